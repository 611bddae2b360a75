using Microsoft.AspNetCore.Authentication;

namespace OpenBff.SessionCache;

/// <summary>
/// Remembers what each session cookie decrypted to. With server-side sessions a cookie holds only
/// the session key, its decryption is deterministic, and it never expires by itself (the session
/// does), so a cookie seen in the last minutes skips data protection. Bounded in entries; entries
/// live a few minutes at most, so a revoked data-protection key stops being honoured soon after, and
/// ended ones are swept out at most <see cref="SessionCacheOptions.SweepInterval"/> after they end: the cache holds
/// the cookies of the last minutes, not of every login since the process started (issue 15, item 7).
/// When full of live entries, the cookie least recently used makes room (<see cref="ClockCache{TValue}"/>;
/// bounds in <see cref="SessionCacheOptions"/>).
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
    private readonly ClockCache<KnownSession> _entries;
    private readonly Action<string>? _refused;

    public CachingCookieTicketFormat(ISecureDataFormat<AuthenticationTicket> inner, TimeProvider time, Action<string>? refused = null, SessionCacheOptions? options = null)
    {
        _options = options ?? new SessionCacheOptions();
        _inner = inner;
        _time = time;
        _refused = refused; // told of each cookie that did not decrypt (the lost-key-ring detector)
        _entries = new ClockCache<KnownSession>(_options.CookieEntries, time, idleLifetime: null, _options.SweepInterval);
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

        if (_entries.TryGet(protectedText, out var known))
        {
            return known.Ticket; // shared: the cookie handler only reads the session key from it
        }

        var ticket = _inner.Unprotect(protectedText);
        if (ticket is not null)
        {
            var sessionKey = ticket.Principal.Claims.FirstOrDefault(static c => c.Type.Equals(SessionIdClaim, StringComparison.Ordinal))?.Value;
            _entries.Set(protectedText, new KnownSession(ReadOnlyTicket.Copy(ticket), sessionKey), _time.GetUtcNow() + _options.CookieLifetime);
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
        _entries.TryGet(cookie, out var text, out _) ? text : null;

    /// <summary>
    /// The remembered cookie equal to <paramref name="cookie"/> with the session-store key it holds
    /// (the first session-id claim, as the cookie handler reads it); null when the cookie is not
    /// remembered (or expired) or holds no key.
    /// </summary>
    public KnownSession? FindKnownSession(ReadOnlySpan<char> cookie) =>
        _entries.TryGet(cookie, out _, out var known) && known.SessionKey is not null ? known : null;

    /// <summary>How many cookies are remembered now (ended ones included until the next sweep).</summary>
    internal int Count => _entries.Count;
}
