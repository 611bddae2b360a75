using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authentication;

namespace OpenBff.SessionCache;

/// <summary>
/// Remembers what each session cookie decrypted to. With server-side sessions a cookie holds only
/// the session key, its decryption is deterministic, and it never expires by itself (the session
/// does), so a cookie seen in the last minutes skips data protection. Bounded in entries; entries
/// live a few minutes at most, so a revoked data-protection key stops being honoured soon after, and
/// expired ones are swept out at most <see cref="SessionCacheOptions.CookieSweepInterval"/> after they expire: the cache holds
/// the cookies of the last minutes, not of every login since the process started (issue 15, item 7:
/// without the sweep, a cookie used once stayed until 10,000 had been seen). When full of live
/// entries, the tenth nearest their end are evicted (bounds in <see cref="SessionCacheOptions"/>).
/// A cached ticket is shared by every request with that cookie; its properties refuse any change.
/// Only cookies that decrypted are remembered, so a client cannot fill it with junk.
/// </summary>
internal sealed class CachingCookieTicketFormat : ISecureDataFormat<AuthenticationTicket>
{
    /// <summary>The claim ASP.NET Core's cookie handler puts the session-store key in (the cookie's only claim).</summary>
    public const string SessionIdClaim = "Microsoft.AspNetCore.Authentication.Cookies-SessionId";

    private readonly ISecureDataFormat<AuthenticationTicket> _inner;
    private readonly TimeProvider _time;
    private readonly SessionCacheOptions _options;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Entry>.AlternateLookup<ReadOnlySpan<char>> _bySpan;

    private readonly Action<string>? _refused;
    private long _nextSweepTicks = DateTimeOffset.MinValue.UtcTicks;

    public CachingCookieTicketFormat(ISecureDataFormat<AuthenticationTicket> inner, TimeProvider time, Action<string>? refused = null, SessionCacheOptions? options = null)
    {
        _options = options ?? new SessionCacheOptions();
        _inner = inner;
        _time = time;
        _refused = refused; // told of each cookie that did not decrypt (the lost-key-ring detector)
        _bySpan = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public string Protect(AuthenticationTicket data) => _inner.Protect(data);

    public string Protect(AuthenticationTicket data, string? purpose) => _inner.Protect(data, purpose);

    public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

    public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
    {
        if (protectedText is null || purpose is not null || protectedText.Length > _options.MaxCookieLength)
        {
            return _inner.Unprotect(protectedText, purpose);
        }

        var now = _time.GetUtcNow();
        if (_entries.TryGetValue(protectedText, out var known))
        {
            if (known.Expires > now)
            {
                return known.Ticket; // shared: the cookie handler only reads the session key from it
            }

            _entries.TryRemove(protectedText, out _);
        }

        var ticket = _inner.Unprotect(protectedText);
        if (ticket is not null)
        {
            Remember(protectedText, ticket, now);
        }
        else
        {
            _refused?.Invoke(protectedText);
        }

        return ticket;
    }

    /// <summary>
    /// The remembered cookie string equal to <paramref name="cookie"/>, so that reading a known
    /// cookie from the request header allocates nothing; null when it is not remembered (or expired).
    /// </summary>
    public string? FindKnownCookie(ReadOnlySpan<char> cookie) =>
        _bySpan.TryGetValue(cookie, out var text, out var entry) && entry.Expires > _time.GetUtcNow() ? text : null;

    /// <summary>
    /// The session-store key the remembered cookie equal to <paramref name="cookie"/> holds (the first
    /// session-id claim, as the cookie handler reads it); null when the cookie is not remembered (or
    /// expired) or holds no key.
    /// </summary>
    public string? FindKnownSessionKey(ReadOnlySpan<char> cookie) =>
        _bySpan.TryGetValue(cookie, out _, out var entry) && entry.Expires > _time.GetUtcNow() ? entry.SessionKey : null;

    /// <summary>How many cookies are remembered now (expired ones included until the next sweep).</summary>
    internal int Count => _entries.Count;

    private void Remember(string cookie, AuthenticationTicket ticket, DateTimeOffset now)
    {
        var sweepDue = Interlocked.Read(ref _nextSweepTicks);
        if (now.UtcTicks >= sweepDue
            && Interlocked.CompareExchange(ref _nextSweepTicks, (now + _options.CookieSweepInterval).UtcTicks, sweepDue) == sweepDue)
        {
            RemoveExpired(now); // one caller per interval
        }

        if (_entries.Count >= _options.CookieEntries)
        {
            RemoveExpired(now);
            if (_entries.Count >= _options.CookieEntries)
            {
                RemoveNearestToExpiry(); // all in use: the oldest tenth makes room, the rest stay
            }
        }

        var sessionKey = ticket.Principal.Claims.FirstOrDefault(static c => c.Type.Equals(SessionIdClaim, StringComparison.Ordinal))?.Value;
        _entries[cookie] = new Entry(ReadOnlyTicket.Copy(ticket), sessionKey, now + _options.CookieLifetime);
    }

    private void RemoveNearestToExpiry()
    {
        var entries = _entries.ToArray();
        Array.Sort(entries, static (a, b) => a.Value.Expires.CompareTo(b.Value.Expires));
        foreach (var entry in entries.AsSpan(0, Math.Max(1, entries.Length / 10)))
        {
            _entries.TryRemove(entry);
        }
    }

    private void RemoveExpired(DateTimeOffset now)
    {
        foreach (var (key, entry) in _entries)
        {
            if (entry.Expires <= now)
            {
                _entries.TryRemove(new KeyValuePair<string, Entry>(key, entry));
            }
        }
    }

    private sealed record Entry(AuthenticationTicket Ticket, string? SessionKey, DateTimeOffset Expires);
}
