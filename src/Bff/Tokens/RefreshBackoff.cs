using Microsoft.Extensions.Caching.Memory;

namespace OpenBff.Tokens;

/// <summary>
/// After the provider could not be reached for a refresh, a session whose access token is still
/// valid uses it and does not ask again for <see cref="Delay"/>: during an outage its requests are
/// not each held up by a refresh attempt. Bounded in entries; each lasts <see cref="Delay"/>.
/// </summary>
internal sealed class RefreshBackoff : IDisposable
{
    /// <summary>How long a session does not retry a refresh the provider could not answer.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(10);

    private const int MaxEntries = 10_000;
    private readonly MemoryCache _cache;

    public RefreshBackoff(TimeProvider time) =>
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = MaxEntries, Clock = new Core.TimeProviderClock(time) });

    /// <summary>True while the refresh named by <paramref name="flight"/> should not be tried again.</summary>
    public bool IsBackingOff(string flight) => _cache.TryGetValue(flight, out _);

    public void Failed(string flight) =>
        _cache.Set(flight, true, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Delay });

    public void Succeeded(string flight) => _cache.Remove(flight);

    public void Dispose() => _cache.Dispose();
}
