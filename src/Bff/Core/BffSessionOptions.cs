using Microsoft.AspNetCore.Http;

namespace OpenBff;

/// <summary>Server-side session settings (<c>Bff:Session</c>).</summary>
public sealed class BffSessionOptions
{
    /// <summary>The session store: <c>Sqlite</c> (default), <c>Memory</c> or <c>Redis</c>.</summary>
    public string Store { get; set; } = SessionStoreKinds.Sqlite;

    /// <summary>StackExchange.Redis connection string when <see cref="Store"/> is <c>Redis</c>.</summary>
    public string? Redis { get; set; }

    /// <summary>Prefix of every Redis key the BFF writes (sessions, indexes, data-protection keys). Default <c>bff:</c>.</summary>
    public string RedisKeyPrefix { get; set; } = "bff:";

    /// <summary>
    /// With the Redis store: how long an instance may answer from its in-memory copy of a session
    /// it read from Redis, without reading it again. Every write and delete, by any instance,
    /// evicts the copy everywhere at once (Redis pub/sub channel <c>{RedisKeyPrefix}invalidate</c>),
    /// and a lost connection to Redis empties it; this bounds how stale a copy can be should a
    /// notification still be missed. Default 10 seconds; <c>00:00:00</c> reads Redis on every request.
    /// </summary>
    public TimeSpan RedisLocalCacheLifetime { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// With the Redis store: while Redis cannot be reached, how long after the connection failed
    /// an instance keeps answering the sessions it had in memory (read only: a refresh, login,
    /// logout or renewal answers 503 until Redis is back). A logout made on another instance in
    /// the instant before the outage may go unseen here for that long. Default 5 minutes;
    /// <c>00:00:00</c> answers 503 for every session from the first failed connection.
    /// </summary>
    public TimeSpan RedisOutageLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How often expired sessions are looked for, their refresh tokens revoked at the provider and
    /// the sessions deleted. Default 10 minutes; <c>00:00:00</c> turns the cleanup off.
    /// </summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How many expired sessions the cleanup ends at once (<c>Bff:Session:CleanupConcurrency</c>):
    /// each waits for the provider to revoke its refresh token, so this sets how fast a backlog
    /// drains and how many revocation requests the provider receives at once. Default 4; from 1 to 64.
    /// </summary>
    public int CleanupConcurrency { get; set; } = 4;

    /// <summary>Sliding idle lifetime of a session. Default 8 hours.</summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromHours(8);

    /// <summary>Absolute lifetime of a session, however active. Default 1 day.</summary>
    public TimeSpan AbsoluteTimeout { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Name of the session cookie. Default <c>__Host-bff</c>.</summary>
    public string CookieName { get; set; } = "__Host-bff";

    /// <summary>SameSite mode of the session cookie: <c>Strict</c> (default) or <c>Lax</c>.</summary>
    public SameSiteMode CookieSameSite { get; set; } = SameSiteMode.Strict;

    /// <summary>
    /// Sessions in use each instance keeps in memory, decrypted (<c>Bff:Session:CachedSessions</c>):
    /// a request of a cached session costs no decryption and, with SQLite or Redis, no store
    /// read of its ticket. Beyond it the least recently used are dropped and read again when next
    /// used. About 5 KB of memory per cached session, 7 KB with SQLite or Redis (which also keep
    /// the stored copy). Default 10,000;
    /// from 100 to 10,000,000.
    /// </summary>
    public int CachedSessions { get; set; } = DefaultCachedSessions;

    /// <summary>The default of <see cref="CachedSessions"/>.</summary>
    internal const int DefaultCachedSessions = 10_000;

    /// <summary>
    /// Sessions one user (<c>sub</c>) may have at once (<c>Bff:Session:MaxPerUser</c>); a login beyond
    /// it ends the user's oldest sessions, their refresh tokens revoked. Default 20; <c>0</c>: no limit.
    /// </summary>
    public int MaxPerUser { get; set; } = 20;
}
