using Microsoft.AspNetCore.Authentication;

namespace OpenBff.SessionCache;

/// <summary>
/// The hot path's shortcut: the decrypted, deserialized ticket of each recently used session,
/// with the protected bytes it came from. The store is still read on every request, so a change
/// made by any instance (a refresh, a logout) is seen at once: a hit needs the stored bytes to be
/// exactly the cached ones (the same array for the Memory store, equal bytes otherwise). What is
/// saved is data-protection decryption and deserialization. Bounded in entries (when full, the
/// session least recently used makes room: <see cref="ClockCache{TValue}"/>); idle entries leave
/// after a few minutes. Readers share one ticket whose properties throw on any change and which
/// leaves out the ID and refresh tokens; a caller that needs those or changes the session reads it
/// from the store (the ticket store's RetrieveFromStoreAsync).
/// </summary>
internal sealed class TicketCache
{
    /// <summary>Tokens only a logout or a refresh needs, which read the session from the store: 1–3 KB per session in use saved.</summary>
    internal static readonly string[] NotShared = [Core.TokenNames.IdTokenItem, Core.TokenNames.RefreshTokenItem];

    private readonly ClockCache<SharedSession> _cache;

    public TicketCache(TimeProvider time, SessionCacheOptions? options = null)
    {
        options ??= new SessionCacheOptions();
        _cache = new ClockCache<SharedSession>(options.TicketEntries, time, options.TicketIdleLifetime, options.SweepInterval);
    }

    /// <summary>Sessions held now.</summary>
    internal int Count => _cache.Count;

    /// <summary>
    /// The cached ticket when <paramref name="protectedTicket"/> is what it was decrypted from: shared
    /// by every reader, its properties refuse any change, and it holds neither the ID token nor the
    /// refresh token (a logout and a refresh read the session from the store).
    /// </summary>
    public AuthenticationTicket? Get(string key, byte[] protectedTicket) => GetShared(key, protectedTicket)?.Ticket;

    /// <summary>
    /// As <see cref="Get"/>, with what the session authenticates to, made once per cached ticket
    /// (<see cref="SharedSession"/>): the hot path's read.
    /// </summary>
    public SharedSession? GetShared(string key, byte[] protectedTicket) =>
        _cache.TryGet(key, out var session) && session.CameFrom(protectedTicket) ? session : null;

    /// <summary>
    /// As <see cref="GetShared(string, byte[])"/> for the session a remembered cookie refers to: through
    /// the entry the cookie found last time (<see cref="KnownSession"/>) while it is still the cached
    /// one, without looking the key up; the hot path's read, which touches the session's own objects
    /// instead of the cache's table.
    /// </summary>
    public SharedSession? GetShared(KnownSession cookie, byte[] protectedTicket)
    {
        if (cookie.Cached is not { } entry || !_cache.TryUse(entry))
        {
            if (cookie.SessionKey is not { } key || !_cache.TryGetEntry(key, out entry))
            {
                return null;
            }

            cookie.Cached = entry; // the entry now cached for the key (one write per new ticket, not per request)
        }

        return entry.Value.CameFrom(protectedTicket) ? entry.Value : null;
    }

    /// <summary>
    /// Keeps a shared copy of <paramref name="ticket"/> for the session's next requests, and returns
    /// it: a request that missed the cache sees the same ticket as one that hit it.
    /// </summary>
    public AuthenticationTicket Set(string key, byte[] protectedTicket, AuthenticationTicket ticket)
    {
        var shared = ReadOnlyTicket.Copy(ticket, NotShared);
        _cache.Set(key, new SharedSession(protectedTicket, shared));
        return shared;
    }

    public void Remove(string key) => _cache.Remove(key);
}
