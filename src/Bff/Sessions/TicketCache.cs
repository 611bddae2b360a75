using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Memory;

namespace Bff.Sessions;

/// <summary>
/// The hot path's shortcut: the decrypted, deserialized ticket of each recently used session,
/// with the protected bytes it came from. The store is still read on every request, so a change
/// made by any instance (a refresh, a logout) is seen at once: a hit needs the stored bytes to be
/// exactly the cached ones (the same array for the Memory store, equal bytes otherwise). What is
/// saved is data-protection decryption and deserialization. Bounded in entries; idle entries leave
/// after a few minutes. Callers get their own copy of the properties (they change them).
/// </summary>
internal sealed class TicketCache : IDisposable
{
    private const int MaxEntries = 10_000;
    private static readonly TimeSpan IdleLifetime = TimeSpan.FromMinutes(5);

    private readonly MemoryCache _cache;

    public TicketCache(TimeProvider time) =>
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = MaxEntries, Clock = new TimeProviderClock(time) });

    public AuthenticationTicket? Get(string key, byte[] protectedTicket)
    {
        if (_cache.TryGetValue(key, out Entry? entry) && entry is not null
            && (ReferenceEquals(entry.Protected, protectedTicket) || entry.Protected.AsSpan().SequenceEqual(protectedTicket)))
        {
            return new AuthenticationTicket(entry.Ticket.Principal, entry.Ticket.Properties.Clone(), entry.Ticket.AuthenticationScheme);
        }

        return null;
    }

    public void Set(string key, byte[] protectedTicket, AuthenticationTicket ticket) =>
        _cache.Set(
            key,
            new Entry(protectedTicket, new AuthenticationTicket(ticket.Principal, ticket.Properties.Clone(), ticket.AuthenticationScheme)),
            new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = IdleLifetime });

    public void Remove(string key) => _cache.Remove(key);

    public void Dispose() => _cache.Dispose();

    private sealed record Entry(byte[] Protected, AuthenticationTicket Ticket);
}
