using Microsoft.Extensions.Logging;

namespace OpenBff;

/// <summary>
/// Source-generated log messages. Event ids: 1000s sessions, 2000s tokens, 3000s proxy and
/// anti-forgery, 4000s login/logout. No message ever carries a token, code, cookie or secret;
/// user-controlled values are sanitized first.
/// </summary>
internal static partial class BffLog
{
    [LoggerMessage(1001, LogLevel.Information, "Session created for subject {Subject}.")]
    public static partial void SessionCreated(ILogger logger, string? subject);

    [LoggerMessage(1002, LogLevel.Information, "Session expired and was removed.")]
    public static partial void SessionExpired(ILogger logger);

    [LoggerMessage(1003, LogLevel.Warning, "A session could not be read (written with other data-protection keys, or damaged); treated as no session.")]
    public static partial void SessionUnreadable(ILogger logger);

    [LoggerMessage(1004, LogLevel.Information, "Session ended for subject {Subject}: {Reason}.")]
    public static partial void SessionEnded(ILogger logger, string? subject, string reason);

    [LoggerMessage(1005, LogLevel.Information, "Cleanup removed {Count} expired sessions.")]
    public static partial void ExpiredSessionsRemoved(ILogger logger, int count);

    [LoggerMessage(1006, LogLevel.Warning, "Session cleanup failed ({Error}); it runs again at the next interval.")]
    public static partial void SessionCleanupFailed(ILogger logger, string error);

    [LoggerMessage(1025, LogLevel.Warning, "The session store still returns {Count} expired sessions this cleanup pass deleted (its delete did not remove them); the pass stops and the next one tries them again.")]
    public static partial void ExpiredSessionsNotDeleted(ILogger logger, int count);

    [LoggerMessage(1007, LogLevel.Information, "Back-channel logout ended {Count} sessions.")]
    public static partial void BackChannelLogout(ILogger logger, int count);

    [LoggerMessage(1008, LogLevel.Warning, "Back-channel logout token rejected: {Reason}")]
    public static partial void BackChannelLogoutRejected(ILogger logger, string reason);

    [LoggerMessage(1009, LogLevel.Warning, "The Redis session store cannot subscribe to its invalidation channel ({Error}); every request reads Redis until it can (next attempt in {RetryAfter}).")]
    public static partial void SessionInvalidationUnavailable(ILogger logger, string error, TimeSpan retryAfter);

    [LoggerMessage(1010, LogLevel.Information, "The Redis session store's connection {Change} ({ConnectionType}); its in-memory session copies were dropped.")]
    public static partial void SessionCacheDropped(ILogger logger, string change, string connectionType);

    [LoggerMessage(1011, LogLevel.Error, "The session store is unavailable ({Error}); requests that need a session are answered 503 with Retry-After until it is back (this is logged at most every 30 s).")]
    public static partial void SessionStoreUnavailable(ILogger logger, string error);

    [LoggerMessage(1012, LogLevel.Error, "A session cookie was protected with data-protection key {KeyId}, which this instance's key ring does not have: its users get 401. The key ring was lost (a Redis without persistence restarted, and instances started since made new keys) or is not shared by every instance. Run Redis with persistence (AOF or RDB), or keep the key ring in a shared folder (Bff:DataProtectionKeysPath).")]
    public static partial void DataProtectionKeyMissing(ILogger logger, Guid keyId);

    [LoggerMessage(1013, LogLevel.Warning, "The session store refused the refreshed session of subject {Subject} ({Error}); its new tokens are kept in memory on this instance and used, and written again every few seconds until the store takes them.")]
    public static partial void SessionKeptUnsaved(ILogger logger, string? subject, string error);

    [LoggerMessage(1014, LogLevel.Information, "A session the store had refused was written, {Delay} after the refusal.")]
    public static partial void UnsavedSessionWritten(ILogger logger, TimeSpan delay);

    [LoggerMessage(1015, LogLevel.Information, "A session kept in memory after the store refused it is no longer written: {Reason}.")]
    public static partial void UnsavedSessionDropped(ILogger logger, string reason);

    [LoggerMessage(1016, LogLevel.Error, "The session store refuses writes and {Max} sessions already wait in memory: this refresh's new tokens are not kept, and the session's next refresh replays a refresh token the provider retired.")]
    public static partial void UnsavedSessionsFull(ILogger logger, int max);

    [LoggerMessage(1017, LogLevel.Error, "Shutting down with {Count} sessions the store refused: their rotated refresh tokens are lost, and their next refresh replays the previous one (kept only by a provider with a refresh-token reuse interval; see docs/deployment.md).")]
    public static partial void UnsavedSessionsLostAtShutdown(ILogger logger, int count);

    [LoggerMessage(1018, LogLevel.Error, "The host's event handler {Handler}.{Event} failed; the BFF went on.")]
    public static partial void EventHandlerFailed(ILogger logger, string handler, string @event, Exception exception);

    [LoggerMessage(1019, LogLevel.Warning, "The BFF's data-protection key ring could not be loaded at start ({Error}); it is loaded when first needed.")]
    public static partial void KeyRingNotLoadedAtStart(ILogger logger, string error);

    [LoggerMessage(1020, LogLevel.Warning, "Writing the sessions the store refused failed ({Error}); tried again in {RetryAfter}.")]
    public static partial void UnsavedSessionsWriteFailed(ILogger logger, string error, TimeSpan retryAfter);

    [LoggerMessage(1021, LogLevel.Information, "Closed {Count} WebSocket (upgraded) connection(s) of a session: {Reason}.")]
    public static partial void RealTimeConnectionsClosed(ILogger logger, int count, string reason);

    [LoggerMessage(1022, LogLevel.Warning, "A session with open WebSockets could not be read ({Error}); its connections stay open and it is read again in {RetryAfter}.")]
    public static partial void RealTimeSessionCheckFailed(ILogger logger, string error, TimeSpan retryAfter);

    [LoggerMessage(1023, LogLevel.Warning, "Cannot subscribe to the Redis session store's invalidation channel ({Error}): a session ended on another instance closes its WebSockets here only when it expires here or Redis reconnects.")]
    public static partial void RealTimeSubscriptionFailed(ILogger logger, string error);

    [LoggerMessage(1024, LogLevel.Debug, "A session with open WebSockets was read again and goes on (expires {Expires}).")]
    public static partial void RealTimeSessionGoesOn(ILogger logger, DateTimeOffset? expires);

    [LoggerMessage(2001, LogLevel.Information, "Refreshing the user access token of subject {Subject}.")]
    public static partial void RefreshingUserToken(ILogger logger, string? subject);

    [LoggerMessage(2002, LogLevel.Information, "User access token refreshed for subject {Subject}; it expires at {ExpiresAt:o}.")]
    public static partial void UserTokenRefreshed(ILogger logger, string? subject, DateTimeOffset? expiresAt);

    [LoggerMessage(2003, LogLevel.Warning, "The provider refused the refresh token of subject {Subject} ({Error}); the session ends.")]
    public static partial void RefreshTokenRejected(ILogger logger, string? subject, string error);

    [LoggerMessage(2004, LogLevel.Warning, "The token endpoint could not be used ({Reason}); the session is kept.")]
    public static partial void TokenEndpointUnavailable(ILogger logger, string reason);

    [LoggerMessage(2005, LogLevel.Warning, "Waiting for a token took longer than {Timeout}.")]
    public static partial void TokenTimeout(ILogger logger, TimeSpan timeout);

    [LoggerMessage(2006, LogLevel.Information, "Client credentials token fetched for {CacheKey}; it expires at {ExpiresAt:o}.")]
    public static partial void ClientTokenFetched(ILogger logger, string cacheKey, DateTimeOffset expiresAt);

    [LoggerMessage(2007, LogLevel.Warning, "The provider refused the client credentials request ({Error}).")]
    public static partial void ClientTokenRejected(ILogger logger, string error);

    [LoggerMessage(2008, LogLevel.Information, "Refresh token revoked at the provider.")]
    public static partial void RefreshTokenRevoked(ILogger logger);

    [LoggerMessage(2009, LogLevel.Warning, "Refresh token revocation failed ({Reason}); logout continues.")]
    public static partial void RefreshTokenRevocationFailed(ILogger logger, string reason);

    [LoggerMessage(2010, LogLevel.Information, "The provider advertises no revocation endpoint; the refresh token is not revoked.")]
    public static partial void NoRevocationEndpoint(ILogger logger);

    [LoggerMessage(2015, LogLevel.Warning, "The provider could not refresh the access token; the session's token is still valid and is used, and the refresh is tried again after {RetryAfter}.")]
    public static partial void UsingTokenDuringProviderOutage(ILogger logger, TimeSpan retryAfter);

    [LoggerMessage(2011, LogLevel.Information, "Getting the user access token for {Api} of subject {Subject} with the session's refresh token.")]
    public static partial void RefreshingApiToken(ILogger logger, string api, string? subject);

    [LoggerMessage(2012, LogLevel.Information, "User access token for {Api} obtained for subject {Subject}; it expires at {ExpiresAt:o}.")]
    public static partial void ApiTokenObtained(ILogger logger, string api, string? subject, DateTimeOffset? expiresAt);

    [LoggerMessage(2013, LogLevel.Warning, "Route {RouteId} needs a user token for {Api} and the provider refused it ({Error}); the session is kept. Check that the client may get tokens for it at the provider (and that Bff:Oidc:Resources or Bff:Oidc:Scope names it).")]
    public static partial void ApiTokenRefused(ILogger logger, string routeId, string api, string error);

    [LoggerMessage(2014, LogLevel.Warning, "Route {RouteId} needs a user token for {Api}, and the session has no refresh token to get one with; ask for offline_access (or the provider's equivalent) in Bff:Oidc:Scope.")]
    public static partial void ApiTokenWithoutRefreshToken(ILogger logger, string routeId, string api);

    [LoggerMessage(3001, LogLevel.Information, "Request to {Path} rejected: missing or wrong anti-forgery header.")]
    public static partial void AntiForgeryRejected(ILogger logger, string path);

    [LoggerMessage(3003, LogLevel.Information, "Request to {Path} rejected: a state-changing request from another site.")]
    public static partial void CrossSiteRejected(ILogger logger, string path);

    [LoggerMessage(3002, LogLevel.Information, "Request to route {RouteId} rejected: it needs a user session and there is none.")]
    public static partial void UserTokenRequired(ILogger logger, string routeId);

    [LoggerMessage(4001, LogLevel.Information, "Login started.")]
    public static partial void LoginStarted(ILogger logger);

    [LoggerMessage(4007, LogLevel.Warning, "Login could not start: the provider cannot be reached ({Error}).")]
    public static partial void LoginProviderUnavailable(ILogger logger, string error);

    [LoggerMessage(4002, LogLevel.Information, "Login rejected: the return URL is not a local path.")]
    public static partial void LoginReturnUrlRejected(ILogger logger);

    [LoggerMessage(4003, LogLevel.Warning, "Login callback failed: {Reason}")]
    public static partial void LoginCallbackFailed(ILogger logger, string reason);

    [LoggerMessage(4004, LogLevel.Information, "Logout of subject {Subject}.")]
    public static partial void LogoutStarted(ILogger logger, string? subject);

    [LoggerMessage(4005, LogLevel.Information, "Logout rejected: the sid parameter does not match the session.")]
    public static partial void LogoutSidMismatch(ILogger logger);

    [LoggerMessage(4006, LogLevel.Information, "Login completed for subject {Subject}.")]
    public static partial void LoginCompleted(ILogger logger, string? subject);

    [LoggerMessage(4008, LogLevel.Warning, "The provider's userinfo endpoint refused the access token (status {Status}{Error}); the login continues with the ID token's claims. Providers do this when the access token's audience is an API (e.g. Entra ID, or a resource in Bff:Oidc:Resources): let the client's token also be used at userinfo, put the claims you need in the ID token, or set Bff:Oidc:GetClaimsFromUserInfoEndpoint=false to stop asking.")]
    public static partial void UserInfoRefused(ILogger logger, int status, string error);

    [LoggerMessage(4009, LogLevel.Warning, "The provider's userinfo endpoint could not be used ({Reason}); the login continues with the ID token's claims.")]
    public static partial void UserInfoUnavailable(ILogger logger, string reason);

    [LoggerMessage(4011, LogLevel.Warning, "Login could not start: the provider refused the pushed authorization request ({Error}). Check the client's registered redirect URIs and the authorization parameters.")]
    public static partial void LoginRefusedByProvider(ILogger logger, string error);

    [LoggerMessage(4012, LogLevel.Warning, "Login start refused for {Address}: more than Bff:Login:RateLimit in the window (429).")]
    public static partial void LoginRateLimited(ILogger logger, string address);

    [LoggerMessage(4010, LogLevel.Warning, "Front-channel logout refused: {Reason}.")]
    public static partial void FrontChannelLogoutRejected(ILogger logger, string reason);

    [LoggerMessage(3004, LogLevel.Information, "Request for host {Host} refused: not Bff:PublicOrigin's.")]
    public static partial void HostRejected(ILogger logger, string host);

    [LoggerMessage(3005, LogLevel.Warning, "The remote API of {Path} failed: {Error}.")]
    public static partial void RemoteApiFailed(ILogger logger, string path, string error);

    [LoggerMessage(3006, LogLevel.Warning, "Upgrade request (WebSocket) to {Path} refused with 403: {Reason} (Origin '{Origin}', Sec-Fetch-Site '{SecFetchSite}'). A page on another origin of this site may open sockets here only when Bff:AllowedOrigins lists its origin.")]
    public static partial void UpgradeRejected(ILogger logger, string path, string reason, string origin, string secFetchSite);

    [LoggerMessage(3007, LogLevel.Warning, "Upgrade request (WebSocket) to {Path} refused with 429: its session already holds Bff:RealTime:MaxConnectionsPerSession ({Max}) open connections on this instance. Raise the limit if the application opens that many sockets per user.")]
    public static partial void UpgradeOverLimit(ILogger logger, string path, int max);

    /// <summary>Makes a user-controlled value safe for one log line.</summary>
    public static string Sanitize(string? value, int maxLength = 200)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        var span = value.Length > maxLength ? value.AsSpan(0, maxLength) : value.AsSpan();
        return string.Create(span.Length, span.ToString(), static (buffer, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                buffer[i] = char.IsControl(source[i]) ? '_' : source[i];
            }
        });
    }
}
