namespace OpenBff.SessionCache;

/// <summary>
/// Every bound of the session caches, in one place: the cookie-value cache
/// (<see cref="CachingCookieTicketFormat"/>), the decrypted-ticket cache (<see cref="TicketCache"/>),
/// the stores' read caches (<see cref="SessionReadCache{TSession}"/>) and the claim-string pool
/// (<see cref="InterningTicketSerializer"/>). One singleton, registered by <c>AddBff()</c> with
/// these defaults (a test or a host may register its own before). Each cache is bounded in entries
/// and, when full, evicts the entry least recently used (<see cref="ClockCache{TValue}"/>) rather
/// than growing, refusing the new entry or starting over.
/// </summary>
internal sealed class SessionCacheOptions
{
    /// <summary>Session cookies remembered with what they decrypted to.</summary>
    public int CookieEntries { get; init; } = BffSessionOptions.DefaultCachedSessions;

    /// <summary>How long a remembered cookie skips data protection: a revoked data-protection key stops being honoured within it.</summary>
    public TimeSpan CookieLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>How often each cache sweeps out its ended entries.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Longer cookies are never remembered (a session cookie holds a key: ~200 characters).</summary>
    public int MaxCookieLength { get; init; } = 4096;

    /// <summary>Decrypted tickets of sessions in use.</summary>
    public int TicketEntries { get; init; } = BffSessionOptions.DefaultCachedSessions;

    /// <summary>An unused decrypted ticket leaves after this long.</summary>
    public TimeSpan TicketIdleLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Sessions a store (SQLite, Redis) keeps in process memory after reading them.</summary>
    public int StoreReadEntries { get; init; } = BffSessionOptions.DefaultCachedSessions;

    /// <summary>An unused session leaves the store's read cache after this long.</summary>
    public TimeSpan StoreReadIdleLifetime { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Distinct claim types, value types and issuers shared between tickets.</summary>
    public int InternedStrings { get; init; } = 1024;

    /// <summary>Longer strings are never shared.</summary>
    public int MaxInternedLength { get; init; } = 256;

    /// <summary>
    /// The bounds for <paramref name="session"/>: one entry per session in use in each of the three
    /// session caches (cookie, ticket, store read), the rest at their defaults.
    /// </summary>
    public static SessionCacheOptions For(BffSessionOptions session) => new()
    {
        CookieEntries = session.CachedSessions,
        TicketEntries = session.CachedSessions,
        StoreReadEntries = session.CachedSessions,
    };
}
