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

    [LoggerMessage(EventId = 7, Level = LogLevel.Information, Message = "User {Subject} signed out")]
    public static partial void UserSignedOut(this ILogger logger, string subject);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Antiforgery validation failed on the login form")]
    public static partial void AntiforgeryFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 9, Level = LogLevel.Information, Message = "Authorization code issued to client {ClientId} for subject {Subject}")]
    public static partial void CodeIssued(this ILogger logger, string? clientId, string subject);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "Client credentials token issued to {ClientId}")]
    public static partial void ClientCredentialsIssued(this ILogger logger, string clientId);
}
