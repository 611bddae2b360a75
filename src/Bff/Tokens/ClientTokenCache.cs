using System.Collections.Concurrent;
using OpenBff.TokenEndpoint;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OpenBff.Tokens;

/// <summary>
/// Client-credentials access tokens of the BFF's own client, cached in memory per scope and
/// resource until <c>Bff:Tokens:RefreshBeforeExpiry</c> before they expire, and fetched once
/// however many requests need one at the same time.
/// </summary>
internal sealed class ClientTokenCache
{
    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(5);

    private readonly TokenEndpointClient _tokenClient;
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<BffOptions> _options;
    private readonly ILogger<ClientTokenCache> _logger;
    private readonly Diagnostics.BffInstruments _metrics;
    private readonly ConcurrentDictionary<string, (string Token, DateTimeOffset RenewAt, DateTimeOffset ExpiresAt)> _tokens = new(StringComparer.Ordinal);
    private readonly SingleFlight<AccessTokenResult> _fetches = new();

    public ClientTokenCache(TokenEndpointClient tokenClient, TimeProvider time, IOptionsMonitor<BffOptions> options, ILogger<ClientTokenCache> logger, Diagnostics.BffInstruments metrics)
    {
        _tokenClient = tokenClient;
        _time = time;
        _options = options;
        _logger = logger;
        _metrics = metrics;
    }

    public async Task<AccessTokenResult> GetAccessTokenAsync(string? scope, string? resource, CancellationToken cancellationToken)
    {
        var cacheKey = $"{scope}|{resource}";
        if (_tokens.TryGetValue(cacheKey, out var cached) && _time.GetUtcNow() < cached.RenewAt)
        {
            return AccessTokenResult.Ok(cached.Token, cached.ExpiresAt);
        }

        var timeout = _options.CurrentValue.Tokens.RefreshTimeout;
        try
        {
            return await _fetches.RunAsync(cacheKey, () => FetchAsync(cacheKey, scope, resource)).WaitAsync(timeout, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            BffLog.TokenTimeout(_logger, timeout);
            return AccessTokenResult.Timeout;
        }
    }

    private async Task<AccessTokenResult> FetchAsync(string cacheKey, string? scope, string? resource)
    {
        if (_tokens.TryGetValue(cacheKey, out var cached) && _time.GetUtcNow() < cached.RenewAt)
        {
            return AccessTokenResult.Ok(cached.Token, cached.ExpiresAt);
        }

        var response = await _tokenClient.ClientCredentialsAsync(scope, resource, CancellationToken.None);
        _metrics.ClientTokenFetched(response.Outcome);
        switch (response.Outcome)
        {
            case TokenResponseOutcome.Rejected:
                BffLog.ClientTokenRejected(_logger, response.Error ?? "rejected");
                return AccessTokenResult.ProviderRejected;
            case TokenResponseOutcome.Unavailable:
                BffLog.TokenEndpointUnavailable(_logger, response.Error ?? "unavailable");
                return AccessTokenResult.ProviderUnavailable;
        }

        var expiresAt = _time.GetUtcNow() + (response.ExpiresIn ?? DefaultLifetime);
        var renewAt = expiresAt - _options.CurrentValue.Tokens.RefreshBeforeExpiry;
        _tokens[cacheKey] = (response.AccessToken!, renewAt, expiresAt);
        BffLog.ClientTokenFetched(_logger, BffLog.Sanitize(cacheKey), expiresAt);
        return AccessTokenResult.Ok(response.AccessToken!, expiresAt);
    }
}
