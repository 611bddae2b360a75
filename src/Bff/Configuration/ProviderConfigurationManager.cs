using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace OpenBff.Configuration;

/// <summary>
/// The provider's discovery document and signing keys, with one difference from IdentityModel's
/// <c>ConfigurationManager</c> that matters after a key rotation: a refresh requested because a
/// token names an unknown <c>kid</c> is fetched by the very next read, which waits for it, so the
/// token is validated again within the same request (IdentityModel's only schedules a background
/// refresh and the first logins after a rotation fail). Forced fetches are rate-limited (one per
/// <see cref="ForcedRefreshInterval"/>), so tokens with junk <c>kid</c>s cannot make the BFF hammer
/// the provider; the document is also refetched every <see cref="BaseConfigurationManager.AutomaticRefreshInterval"/>.
/// A failed refetch keeps the document it has.
/// </summary>
internal sealed class ProviderConfigurationManager : BaseConfigurationManager, IConfigurationManager<OpenIdConnectConfiguration>
{
    /// <summary>At least this long between two fetches forced by <see cref="RequestRefresh"/>.</summary>
    public static readonly TimeSpan ForcedRefreshInterval = TimeSpan.FromSeconds(10);

    /// <summary>After a failed automatic refetch, the kept document is used this long before the next try.</summary>
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(30);

    private readonly string _address;
    private readonly IDocumentRetriever _retriever;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private Task<OpenIdConnectConfiguration>? _fetch;
    private OpenIdConnectConfiguration? _current;
    private DateTimeOffset _nextAutomaticFetch;
    private DateTimeOffset _lastForcedFetch = DateTimeOffset.MinValue;
    private volatile bool _refreshRequested;

    public ProviderConfigurationManager(string address, IDocumentRetriever retriever, TimeProvider time)
    {
        _address = address;
        _retriever = retriever;
        _time = time;
        MetadataAddress = address;
        AutomaticRefreshInterval = TimeSpan.FromHours(12);
    }

    /// <summary>How many times the document was fetched (tests and diagnostics).</summary>
    public int FetchCount { get; private set; }

    public Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel)
    {
        if (Fresh() is { } current)
        {
            return Task.FromResult(current);
        }

        lock (_lock)
        {
            if (Fresh() is { } fetchedMeanwhile)
            {
                return Task.FromResult(fetchedMeanwhile);
            }

            // One fetch for every caller; a caller giving up does not stop it for the others.
            _refreshRequested = false;
            _fetch ??= FetchAsync();
            return _fetch.WaitAsync(cancel);
        }
    }

    private async Task<OpenIdConnectConfiguration> FetchAsync()
    {
        await Task.Yield(); // published as _fetch before it runs
        var kept = _current;
        try
        {
            FetchCount++;
            var configuration = await OpenIdConnectConfigurationRetriever.GetAsync(_address, _retriever, CancellationToken.None);
            _current = configuration;
            _nextAutomaticFetch = _time.GetUtcNow() + AutomaticRefreshInterval;
            return configuration;
        }
        catch (Exception) when (kept is not null)
        {
            _nextAutomaticFetch = _time.GetUtcNow() + RetryAfterFailure;
            return kept;
        }
        catch (Exception ex)
        {
            throw new InvalidOperationException($"The provider's discovery document could not be read from '{_address}'.", ex);
        }
        finally
        {
            lock (_lock)
            {
                _fetch = null;
            }
        }
    }

    public override async Task<BaseConfiguration> GetBaseConfigurationAsync(CancellationToken cancel) =>
        await GetConfigurationAsync(cancel);

    /// <summary>Makes the next read fetch the document again, unless a forced fetch happened within <see cref="ForcedRefreshInterval"/>.</summary>
    public override void RequestRefresh()
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (_current is null || now - _lastForcedFetch < ForcedRefreshInterval)
            {
                return;
            }

            _lastForcedFetch = now;
            _refreshRequested = true;
        }
    }

    private OpenIdConnectConfiguration? Fresh()
    {
        var current = _current;
        return current is not null && !_refreshRequested && _time.GetUtcNow() < _nextAutomaticFetch ? current : null;
    }
}
