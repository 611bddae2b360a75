using System.Globalization;
using Bff.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Bff.Tokens;

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

    public UserTokenManager(
        ServerSideTicketStore tickets,
        TokenEndpointClient tokenClient,
        TimeProvider time,
        IOptionsMonitor<BffOptions> options,
        ILogger<UserTokenManager> logger,
        Diagnostics.BffInstruments metrics)
    {
        _tickets = tickets;
        _tokenClient = tokenClient;
        _time = time;
        _options = options;
        _logger = logger;
        _metrics = metrics;
    }

    public async ValueTask<AccessTokenResult> GetAccessTokenAsync(HttpContext context, CancellationToken cancellationToken)
    {
        // The authentication middleware's result when it authenticated the session (the cookie is
        // the default scheme); otherwise ask the cookie scheme (an application may have changed the default).
        var result = context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult is { Succeeded: true, Ticket.AuthenticationScheme: BffDefaults.CookieScheme } authenticated
            ? authenticated
            : await context.AuthenticateAsync(BffDefaults.CookieScheme);
        if (!result.Succeeded || result.Properties is null)
        {
            return AccessTokenResult.NoSession;
        }

        var properties = result.Properties;
        var token = properties.Items.TryGetValue(TokenNames.AccessTokenItem, out var value) ? value : null;
        if (token is not null && !NeedsRefresh(properties))
        {
            return AccessTokenResult.Ok(token);
        }

        var key = properties.GetSessionKey();
        if (key is null)
        {
            return AccessTokenResult.NoSession;
        }

        var timeout = _options.CurrentValue.Tokens.RefreshTimeout;
        try
        {
            // The refresh itself is not tied to this request: other requests may be waiting on it.
            return await _refreshes.RunAsync(key, () => RefreshAsync(key)).WaitAsync(timeout, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            BffLog.TokenTimeout(_logger, timeout);
            return AccessTokenResult.Timeout;
        }
    }

    private async Task<AccessTokenResult> RefreshAsync(string key)
    {
        try
        {
            return await _tickets.UpdateAsync(key, ticket => RefreshLockedAsync(key, ticket), CancellationToken.None);
        }
        catch (TimeoutException)
        {
            return AccessTokenResult.Timeout;
        }
    }

    /// <summary>Runs under the session's lock, on the session as stored now.</summary>
    private async Task<(bool Write, AccessTokenResult Result)> RefreshLockedAsync(string key, AuthenticationTicket? ticket)
    {
        if (ticket is null)
        {
            return (false, AccessTokenResult.SessionEnded);
        }

        var properties = ticket.Properties;
        var subject = ticket.Principal.FindFirst("sub")?.Value;
        var current = properties.GetTokenValue(TokenNames.AccessToken);
        if (current is not null && !NeedsRefresh(properties))
        {
            return (false, AccessTokenResult.Ok(current)); // refreshed meanwhile by another request or instance
        }

        var refreshToken = properties.GetTokenValue(TokenNames.RefreshToken);
        if (string.IsNullOrEmpty(refreshToken))
        {
            await _tickets.RemoveAsync(key, CancellationToken.None);
            BffLog.SessionEnded(_logger, subject, "the access token expired and there is no refresh token");
            return (false, AccessTokenResult.SessionEnded);
        }

        BffLog.RefreshingUserToken(_logger, subject);
        var response = await _tokenClient.RefreshAsync(refreshToken, CancellationToken.None);
        _metrics.TokenRefreshed(response.Outcome);
        switch (response.Outcome)
        {
            case TokenResponseOutcome.Rejected:
                await _tickets.RemoveAsync(key, CancellationToken.None);
                BffLog.RefreshTokenRejected(_logger, subject, response.Error ?? "rejected");
                return (false, AccessTokenResult.SessionEnded);
            case TokenResponseOutcome.Unavailable:
                BffLog.TokenEndpointUnavailable(_logger, response.Error ?? "unavailable");
                return (false, AccessTokenResult.ProviderUnavailable);
        }

        var expiresAt = response.ExpiresIn is { } lifetime ? _time.GetUtcNow() + lifetime : (DateTimeOffset?)null;
        SetToken(properties, TokenNames.AccessToken, response.AccessToken);
        SetToken(properties, TokenNames.RefreshToken, response.RefreshToken ?? refreshToken);
        SetToken(properties, TokenNames.ExpiresAt, expiresAt?.ToString("o", CultureInfo.InvariantCulture));
        if (response.IdToken is not null)
        {
            SetToken(properties, TokenNames.IdToken, response.IdToken);
        }

        BffLog.UserTokenRefreshed(_logger, subject, expiresAt);
        return (true, AccessTokenResult.Ok(response.AccessToken!));
    }

    private bool NeedsRefresh(AuthenticationProperties properties)
    {
        if (!properties.Items.TryGetValue(TokenNames.ExpiresAtItem, out var expiresAt) || expiresAt is null
            || TokenValueCache.ParseExpiresAt(expiresAt) is not { } expires)
        {
            return false; // the provider gave no lifetime: use the token as it is
        }

        return _time.GetUtcNow() >= expires - _options.CurrentValue.Tokens.RefreshBeforeExpiry;
    }

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
