using System.Globalization;
using OpenBff.Core;
using OpenBff.Sessions;
using OpenBff.TokenEndpoint;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OpenBff.Tokens;

/// <summary>
/// Gives the current user's access token, refreshing it first when it is within
/// <c>Bff:Tokens:RefreshBeforeExpiry</c> of expiry. Concurrent requests of one session share a
/// single refresh; rotated refresh tokens are written to the session store before any request
/// uses the new access token.
/// </summary>
internal sealed class UserTokenManager
{
    private readonly ServerSideTicketStore _tickets;
    private readonly TokenEndpointClient _tokenClient;
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<BffOptions> _options;
    private readonly ILogger<UserTokenManager> _logger;
    private readonly Diagnostics.BffInstruments _metrics;
    private readonly SingleFlight<AccessTokenResult> _refreshes = new();
    private readonly RefreshBackoff _backoff;
    private readonly Events.BffEventRaiser _events;

    public UserTokenManager(
        ServerSideTicketStore tickets,
        TokenEndpointClient tokenClient,
        TimeProvider time,
        IOptionsMonitor<BffOptions> options,
        ILogger<UserTokenManager> logger,
        Diagnostics.BffInstruments metrics,
        RefreshBackoff backoff,
        Events.BffEventRaiser events)
    {
        _events = events;
        _backoff = backoff;
        _tickets = tickets;
        _tokenClient = tokenClient;
        _time = time;
        _options = options;
        _logger = logger;
        _metrics = metrics;
    }

    /// <summary>The session's main access token.</summary>
    public ValueTask<AccessTokenResult> GetAccessTokenAsync(HttpContext context, CancellationToken cancellationToken) =>
        GetAccessTokenAsync(context, api: null, routeId: null, cancellationToken);

    /// <summary>
    /// The session's access token for <paramref name="api"/> (a resource and/or scope), obtained
    /// with the session's refresh token on first use and kept in the session; the main access
    /// token when <paramref name="api"/> is null.
    /// </summary>
    public ValueTask<AccessTokenResult> GetAccessTokenAsync(HttpContext context, ApiTokenKey? api, string? routeId, CancellationToken cancellationToken) =>
        GetAccessTokenAsync(context, api, routeId, forceRenewal: false, cancellationToken);

    /// <summary>
    /// As above; <paramref name="forceRenewal"/> refreshes even a token that is not near expiry
    /// (unless another request renewed it meanwhile: concurrent callers still cause one grant).
    /// </summary>
    public async ValueTask<AccessTokenResult> GetAccessTokenAsync(HttpContext context, ApiTokenKey? api, string? routeId, bool forceRenewal, CancellationToken cancellationToken)
    {
        var result = await BffSession.AuthenticateAsync(context);
        if (!result.Succeeded || result.Properties is null)
        {
            return AccessTokenResult.NoSession;
        }

        var properties = result.Properties;
        var tokenItem = api?.AccessTokenItem ?? TokenNames.AccessTokenItem;

        if (properties is SessionCache.SharedProperties shared)
        {
            // A session in use: its cached ticket holds the token as its header value, with its expiry.
            var cached = shared.Token(tokenItem);
            return cached is not null && !forceRenewal && !NeedsRefresh(cached.ExpiresAt)
                ? new AccessTokenResult(cached) // the token string itself is not made
                : await RenewAsync(properties, cached?.AccessToken, cached?.ExpiresAt, api, routeId, forceRenewal, cancellationToken);
        }

        var token = properties.Items.TryGetValue(tokenItem, out var value) ? value : null;
        var expiresAt = ExpiresAt(properties, api);
        return token is not null && !forceRenewal && !NeedsRefresh(expiresAt)
            ? AccessTokenResult.Ok(token, expiresAt)
            : await RenewAsync(properties, token, expiresAt, api, routeId, forceRenewal, cancellationToken);
    }

    /// <summary>
    /// The hot path's answer, without a state machine: the token of the session the authentication
    /// middleware found in use (its shared result, the cookie scheme's), when that session's cached
    /// ticket holds it and it needs no refresh; null otherwise, and <see cref="GetAccessTokenAsync(HttpContext, ApiTokenKey?, string?, CancellationToken)"/>
    /// answers (the same token for such a session, or a refresh, or no session).
    /// </summary>
    public SessionCache.SharedToken? FreshTokenOfSessionInUse(HttpContext context, ApiTokenKey? api) =>
        context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult is { Succeeded: true, Ticket.AuthenticationScheme: BffDefaults.CookieScheme, Properties: SessionCache.SharedProperties shared }
        && shared.Token(api?.AccessTokenItem ?? TokenNames.AccessTokenItem) is { } cached
        && !NeedsRefresh(cached.ExpiresAt)
            ? cached
            : null;

    /// <summary>
    /// The token needs a refresh (or one is forced): one grant per session and API, with the
    /// fallback to a still-valid token while the provider fails. A method of its own, so that the
    /// closure it hands the single-flight is allocated only when a refresh is due, not per request.
    /// </summary>
    private async ValueTask<AccessTokenResult> RenewAsync(
        AuthenticationProperties properties, string? token, DateTimeOffset? expiresAt, ApiTokenKey? api, string? routeId, bool forceRenewal, CancellationToken cancellationToken)
    {
        var key = properties.GetSessionKey();
        if (key is null)
        {
            return AccessTokenResult.NoSession;
        }

        // One grant per session and API: the session's lock (across instances with Redis) orders them.
        var flight = api is null ? key : $"{key}\n{api.AccessTokenItem}";
        var stillValid = token is not null && (expiresAt is null || _time.GetUtcNow() < expiresAt); // its expiry, not the refresh margin, has not come
        if (stillValid && _backoff.IsBackingOff(flight))
        {
            return AccessTokenResult.Ok(token!, expiresAt); // the provider failed a moment ago: no new attempt yet
        }

        var replace = forceRenewal ? token : null;

        var timeout = _options.CurrentValue.Tokens.RefreshTimeout;
        AccessTokenResult refreshed;
        try
        {
            // The refresh itself is not tied to this request: other requests may be waiting on it.
            refreshed = await _refreshes.RunAsync(flight, () => RefreshAsync(key, api, routeId, replace)).WaitAsync(timeout, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            BffLog.TokenTimeout(_logger, timeout);
            refreshed = AccessTokenResult.Timeout;
        }

        if (refreshed.Status is not (AccessTokenStatus.ProviderUnavailable or AccessTokenStatus.Timeout))
        {
            _backoff.Succeeded(flight);
            return refreshed;
        }

        if (!stillValid)
        {
            return refreshed; // nothing valid to fall back on: 502 / 504
        }

        // The provider is down or slow, and the token the session has is still good: use it, and
        // try the refresh again after a short pause (a late refresh still lands and is used).
        _backoff.Failed(flight);
        BffLog.UsingTokenDuringProviderOutage(_logger, RefreshBackoff.Delay);
        return AccessTokenResult.Ok(token!, expiresAt);
    }

    /// <summary>When the main token (or <paramref name="api"/>'s) expires; null when neither the provider nor the token said.</summary>
    private static DateTimeOffset? ExpiresAt(AuthenticationProperties properties, ApiTokenKey? api) =>
        properties.Items.TryGetValue(api?.ExpiresAtItem ?? TokenNames.ExpiresAtItem, out var expiresAt) && expiresAt is not null
            ? TokenValueCache.ParseExpiresAt(expiresAt)
            : null;

    /// <summary>
    /// Refreshes under the session's lock; with <paramref name="replace"/> (a forced renewal), also a
    /// token that is not near expiry, unless the session already holds another one.
    /// </summary>
    private async Task<AccessTokenResult> RefreshAsync(string key, ApiTokenKey? api, string? routeId, string? replace)
    {
        var happened = new RefreshEvents();
        AccessTokenResult result;
        try
        {
            result = await _tickets.UpdateAsync(
                key,
                ticket => api is null ? RefreshLockedAsync(key, ticket, routeId ?? "(local)", replace, happened) : GetApiTokenLockedAsync(key, ticket, api, routeId ?? "(local)", replace, happened),
                CancellationToken.None);
        }
        catch (TimeoutException)
        {
            return AccessTokenResult.Timeout;
        }

        // The host's handlers run after the session's lock is released.
        if (happened.Refreshed is { } refreshed)
        {
            await _events.TokenRefreshedAsync(refreshed, CancellationToken.None);
        }

        if (happened.Refused is { } refused)
        {
            await _events.RefreshRefusedAsync(refused, CancellationToken.None);
        }

        if (happened.Ended is { } ended)
        {
            await _events.SessionEndedAsync(ended, CancellationToken.None);
        }

        return result;
    }

    /// <summary>What a refresh under the lock did, for the events raised after it.</summary>
    private sealed class RefreshEvents
    {
        public BffTokenRefreshed? Refreshed { get; set; }

        public BffRefreshRefused? Refused { get; set; }

        public BffSessionEnded? Ended { get; set; }

        public void Refuse(AuthenticationTicket ticket, string error)
        {
            Ended = SessionTerminator.Ended(ticket, BffSessionEndReason.RefreshRefused);
            Refused = new BffRefreshRefused { SubjectId = Ended.SubjectId, SessionId = Ended.SessionId, Error = error };
        }

        public void Refresh(AuthenticationTicket ticket, ApiTokenKey? api, DateTimeOffset? expiresAt) => Refreshed = new BffTokenRefreshed
        {
            SubjectId = ticket.Principal.FindFirst("sub")?.Value ?? string.Empty,
            SessionId = SessionIds.For(ticket.Principal, ticket.Properties),
            Resource = api?.Resource,
            Scope = api?.Scope,
            ExpiresAt = expiresAt,
        };
    }

    /// <summary>
    /// Runs under the session's lock, on the session as stored now. The provider refusing the
    /// refresh token ends the session; refusing only the resource or scope the main token is for
    /// (<c>invalid_target</c>, <c>invalid_scope</c>: e.g. the client's access to
    /// <c>Bff:Oidc:Resources:0</c> was withdrawn) keeps it (502), as for a route's own token.
    /// </summary>
    private async Task<(bool Write, AccessTokenResult Result)> RefreshLockedAsync(string key, AuthenticationTicket? ticket, string routeId, string? replace, RefreshEvents happened)
    {
        if (ticket is null)
        {
            return (false, AccessTokenResult.SessionEnded);
        }

        var properties = ticket.Properties;
        var subject = ticket.Principal.FindFirst("sub")?.Value;
        var current = properties.GetTokenValue(TokenNames.AccessToken);
        if (current is not null && !NeedsRefresh(properties) && current != replace)
        {
            return (false, AccessTokenResult.Ok(current, ExpiresAt(properties, null))); // refreshed meanwhile by another request or instance
        }

        var refreshToken = properties.GetTokenValue(TokenNames.RefreshToken);
        if (string.IsNullOrEmpty(refreshToken))
        {
            await _tickets.RemoveAsync(key, CancellationToken.None);
            happened.Ended = SessionTerminator.Ended(ticket, BffSessionEndReason.NoRefreshToken);
            BffLog.SessionEnded(_logger, subject, "the access token expired and there is no refresh token");
            return (false, AccessTokenResult.SessionEnded);
        }

        BffLog.RefreshingUserToken(_logger, subject);
        var resources = _options.CurrentValue.Oidc.Resources;
        var resource = resources.Count > 0 ? resources[0] : null;
        var response = await _tokenClient.RefreshAsync(refreshToken, resource, scope: null, CancellationToken.None);
        _metrics.TokenRefreshed(response.Outcome);
        switch (response.Outcome)
        {
            case TokenResponseOutcome.Rejected when response.Error is "invalid_target" or "invalid_scope":
                BffLog.ApiTokenRefused(_logger, routeId, MainTokenDescription(resource), response.Error);
                return (false, AccessTokenResult.ProviderRejected);
            case TokenResponseOutcome.Rejected:
                await _tickets.RemoveAsync(key, CancellationToken.None);
                happened.Refuse(ticket, response.Error ?? "rejected");
                BffLog.RefreshTokenRejected(_logger, subject, response.Error ?? "rejected");
                return (false, AccessTokenResult.SessionEnded);
            case TokenResponseOutcome.Unavailable:
                BffLog.TokenEndpointUnavailable(_logger, response.Error ?? "unavailable");
                return (false, AccessTokenResult.ProviderUnavailable);
        }

        var expiresAt = TokenExpiry.Of(response.AccessToken!, response.ExpiresIn, _time.GetUtcNow());
        SetToken(properties, TokenNames.AccessToken, response.AccessToken);
        SetToken(properties, TokenNames.ExpiresAt, expiresAt?.ToString("o", CultureInfo.InvariantCulture));
        KeepRotatedTokens(properties, response, refreshToken);
        happened.Refresh(ticket, api: null, expiresAt);
        BffLog.UserTokenRefreshed(_logger, subject, expiresAt);
        return (true, AccessTokenResult.Ok(response.AccessToken!, expiresAt));
    }

    private static string MainTokenDescription(string? resource) =>
        resource is null ? "the session's main token" : $"the session's main token (resource '{resource}', Bff:Oidc:Resources:0)";

    /// <summary>
    /// Gets the token of one API with the session's refresh token (RFC 8707 <c>resource</c> and/or
    /// <c>scope</c> on the refresh_token grant), under the session's lock. The provider refusing
    /// that API (<c>invalid_target</c>, <c>invalid_scope</c>...) keeps the session (502); refusing
    /// the refresh token itself (<c>invalid_grant</c>) ends it.
    /// </summary>
    private async Task<(bool Write, AccessTokenResult Result)> GetApiTokenLockedAsync(string key, AuthenticationTicket? ticket, ApiTokenKey api, string routeId, string? replace, RefreshEvents happened)
    {
        if (ticket is null)
        {
            return (false, AccessTokenResult.SessionEnded);
        }

        var properties = ticket.Properties;
        var subject = ticket.Principal.FindFirst("sub")?.Value;
        if (properties.Items.TryGetValue(api.AccessTokenItem, out var current) && current is not null && !NeedsRefresh(properties, api) && current != replace)
        {
            return (false, AccessTokenResult.Ok(current, ExpiresAt(properties, api))); // obtained meanwhile by another request or instance
        }

        var refreshToken = properties.GetTokenValue(TokenNames.RefreshToken);
        if (string.IsNullOrEmpty(refreshToken))
        {
            BffLog.ApiTokenWithoutRefreshToken(_logger, routeId, api.Description);
            return (false, AccessTokenResult.ProviderRejected);
        }

        BffLog.RefreshingApiToken(_logger, api.Description, subject);
        var response = await _tokenClient.RefreshAsync(refreshToken, api.Resource, api.Scope, CancellationToken.None);
        _metrics.TokenRefreshed(response.Outcome);
        switch (response.Outcome)
        {
            case TokenResponseOutcome.Rejected when response.Error == "invalid_grant":
                await _tickets.RemoveAsync(key, CancellationToken.None);
                happened.Refuse(ticket, response.Error);
                BffLog.RefreshTokenRejected(_logger, subject, response.Error);
                return (false, AccessTokenResult.SessionEnded);
            case TokenResponseOutcome.Rejected:
                BffLog.ApiTokenRefused(_logger, routeId, api.Description, response.Error ?? "rejected");
                return (false, AccessTokenResult.ProviderRejected);
            case TokenResponseOutcome.Unavailable:
                BffLog.TokenEndpointUnavailable(_logger, response.Error ?? "unavailable");
                return (false, AccessTokenResult.ProviderUnavailable);
        }

        var expiresAt = TokenExpiry.Of(response.AccessToken!, response.ExpiresIn, _time.GetUtcNow());
        properties.Items[api.AccessTokenItem] = response.AccessToken;
        if (expiresAt is { } expires)
        {
            properties.Items[api.ExpiresAtItem] = expires.ToString("o", CultureInfo.InvariantCulture);
        }
        else
        {
            properties.Items.Remove(api.ExpiresAtItem);
        }

        KeepRotatedTokens(properties, response, refreshToken);
        happened.Refresh(ticket, api, expiresAt);
        BffLog.ApiTokenObtained(_logger, api.Description, subject, expiresAt);
        return (true, AccessTokenResult.Ok(response.AccessToken!, expiresAt));
    }

    /// <summary>
    /// The refresh token the provider rotated to (or the one used, when it did not rotate), and a
    /// new ID token when it sent one: written with the new access token, before anyone uses it.
    /// </summary>
    private static void KeepRotatedTokens(AuthenticationProperties properties, TokenResponse response, string usedRefreshToken)
    {
        SetToken(properties, TokenNames.RefreshToken, response.RefreshToken ?? usedRefreshToken);
        if (response.IdToken is not null)
        {
            SetToken(properties, TokenNames.IdToken, response.IdToken);
        }
    }

    /// <summary>Within <c>RefreshBeforeExpiry</c> of expiry; never when no lifetime is known (the token is used as it is).</summary>
    private bool NeedsRefresh(AuthenticationProperties properties, ApiTokenKey? api = null) => NeedsRefresh(ExpiresAt(properties, api));

    private bool NeedsRefresh(DateTimeOffset? expiresAt) =>
        expiresAt is { } expires && _time.GetUtcNow() >= expires - _options.CurrentValue.Tokens.RefreshBeforeExpiry;

    private static void SetToken(AuthenticationProperties properties, string name, string? value)
    {
        var tokens = properties.GetTokens().Where(t => t.Name != name).ToList();
        if (value is not null)
        {
            tokens.Add(new AuthenticationToken { Name = name, Value = value });
        }

        properties.StoreTokens(tokens);
    }
}
