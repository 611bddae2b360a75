namespace Bff.DevIdp;

/// <summary>Source-generated log messages of the development IdP. Never pass a token, password or secret.</summary>
internal static partial class IdpLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Created a new {Purpose} key at {Path}")]
    public static partial void KeyCreated(this ILogger logger, string purpose, string path);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Signing key {KeyId} loaded; data folder {DataPath}")]
    public static partial void KeysReady(this ILogger logger, string? keyId, string dataPath);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "Database ready at {DatabasePath}")]
    public static partial void DatabaseReady(this ILogger logger, string databasePath);

    [LoggerMessage(EventId = 4, Level = LogLevel.Information, Message = "Client {ClientId} {Action}")]
    public static partial void ClientSynchronized(this ILogger logger, string clientId, string action);

    [LoggerMessage(EventId = 5, Level = LogLevel.Information, Message = "User {Username} signed in (session {SessionId})")]
    public static partial void UserSignedIn(this ILogger logger, string username, string sessionId);

    [LoggerMessage(EventId = 6, Level = LogLevel.Information, Message = "Failed sign-in for user {Username}")]
    public static partial void SignInFailed(this ILogger logger, string username);

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "User {Subject} signed out ({Initiator})")]
    public static partial void UserSignedOut(this ILogger logger, string subject, string initiator);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Antiforgery validation failed on the login form")]
    public static partial void AntiforgeryFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "Authorization code issued to client {ClientId} for subject {Subject}")]
    public static partial void CodeIssued(this ILogger logger, string? clientId, string subject);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Client credentials token issued to {ClientId}")]
    public static partial void ClientCredentialsIssued(this ILogger logger, string clientId);

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Antiforgery validation failed on the sign-out form")]
    public static partial void LogoutAntiforgeryFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "IdP session(s) {SessionIds} ended: {Count} back-channel logout notification(s) to send")]
    public static partial void SessionsEnding(this ILogger logger, string sessionIds, int count);

    [LoggerMessage(EventId = 13, Level = LogLevel.Information, Message = "Back-channel logout sent to client {ClientId} at {TargetUri}: {StatusCode}")]
    public static partial void BackChannelLogoutSent(this ILogger logger, string clientId, Uri targetUri, int statusCode);

    [LoggerMessage(EventId = 14, Level = LogLevel.Warning, Message = "Back-channel logout sent to client {ClientId} at {TargetUri}: {StatusCode} (not a success)")]
    public static partial void BackChannelLogoutRejected(this ILogger logger, string clientId, Uri targetUri, int statusCode);

    [LoggerMessage(EventId = 15, Level = LogLevel.Warning, Message = "Back-channel logout to client {ClientId} at {TargetUri} failed: {Error}")]
    public static partial void BackChannelLogoutFailed(this ILogger logger, string clientId, Uri targetUri, string error);

    [LoggerMessage(EventId = 16, Level = LogLevel.Information, Message = "No back-channel logout for client {ClientId}: {Reason}")]
    public static partial void BackChannelLogoutSkipped(this ILogger logger, string clientId, string reason);

    [LoggerMessage(EventId = 17, Level = LogLevel.Information, Message = "Token exchange: client {ClientId} got a token for {Audiences} on behalf of subject {Subject}")]
    public static partial void TokenExchanged(this ILogger logger, string clientId, string audiences, string? subject);
}
