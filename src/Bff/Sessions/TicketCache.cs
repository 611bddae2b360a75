using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Memory;

namespace Bff.Sessions;

/// <summary>
/// The hot path's shortcut: the decrypted, deserialized ticket of each recently used session,
/// with the protected bytes it came from. The store is still read on every request, so a change
/// made by any instance (a refresh, a logout) is seen at once: a hit needs the stored bytes to be
/// exactly the cached ones (the same array for the Memory store, equal bytes otherwise). What is
/// saved is data-protection decryption and deserialization. Bounded in entries; idle entries leave
/// after a few minutes. Readers share one ticket whose properties throw on any change; a caller
/// that changes the session to write it back asks for its own copy.
/// </summary>
internal sealed class TicketCache : IDisposable
{
    private const int MaxEntries = 10_000;
    private static readonly TimeSpan IdleLifetime = TimeSpan.FromMinutes(5);

    private readonly MemoryCache _cache;

    public TicketCache(TimeProvider time) =>
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = MaxEntries, Clock = new TimeProviderClock(time) });

    /// <summary>
    /// The cached ticket when <paramref name="protectedTicket"/> is what it was decrypted from.
    /// <paramref name="writable"/>: a copy whose properties the caller may change (to write the
    /// session back); otherwise the shared ticket, whose properties refuse any change.
    /// </summary>
    public AuthenticationTicket? Get(string key, byte[] protectedTicket, bool writable)
    {
        if (_cache.TryGetValue(key, out Entry? entry) && entry is not null
            && (ReferenceEquals(entry.Protected, protectedTicket) || entry.Protected.AsSpan().SequenceEqual(protectedTicket)))
        {
            return writable
                ? new AuthenticationTicket(entry.Ticket.Principal, entry.Ticket.Properties.Clone(), entry.Ticket.AuthenticationScheme)
                : entry.Ticket;
        }

        return null;
    }

    /// <summary>Keeps a copy of <paramref name="ticket"/> (with read-only properties) for the session's next requests.</summary>
    public void Set(string key, byte[] protectedTicket, AuthenticationTicket ticket) =>
        _cache.Set(
            key,
            new Entry(protectedTicket, ReadOnlyTicket.Copy(ticket)),
            new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = IdleLifetime });

    public void Remove(string key) => _cache.Remove(key);

    public void Dispose() => _cache.Dispose();

    private sealed record Entry(byte[] Protected, AuthenticationTicket Ticket);
}
