using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OpenBff.Sessions;

/// <summary>
/// The cookie handler's <see cref="ITicketStore"/>: the cookie carries only a random session key,
/// the ticket (claims and tokens) lives in the <see cref="IUserSessionStore"/>, serialized and
/// encrypted with data protection.
/// </summary>
internal sealed class ServerSideTicketStore : ITicketStore
{
    /// <summary>
    /// The data-protection purpose of stored tickets: the type's name before the library's
    /// namespace became <c>OpenBff</c>. Fixed, so sessions stored by any version stay readable.
    /// </summary>
    internal const string PurposeName = "Bff.Sessions.ServerSideTicketStore";

    private readonly IUserSessionStore _store;
    private readonly IDataProtector _protector;
    private readonly SessionCache.InterningTicketSerializer _serializer;
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<BffOptions> _options;
    private readonly ILogger<ServerSideTicketStore> _logger;
    private readonly ISessionLocks _locks;
    private readonly Diagnostics.BffInstruments _metrics;
    private readonly SessionCache.TicketCache _cache;
    private readonly UnsavedSessions _unsaved;
    private readonly SessionStoreOutage _outage;
    private readonly Events.BffEventRaiser _events;
    private readonly ISessionConnections _connections;
    private readonly AuthenticationServiceShape _authentication;

    public ServerSideTicketStore(
        IUserSessionStore store,
        ISessionLocks locks,
        Diagnostics.BffInstruments metrics,
        SessionCache.TicketCache cache,
        SessionCache.InterningTicketSerializer serializer,
        UnsavedSessions unsaved,
        SessionStoreOutage outage,
        Events.BffEventRaiser events,
        ISessionConnections connections,
        AuthenticationServiceShape authentication,
        Core.BffDataProtection dataProtection,
        TimeProvider time,
        IOptionsMonitor<BffOptions> options,
        ILogger<ServerSideTicketStore> logger)
    {
        _store = store;
        _locks = locks;
        _metrics = metrics;
        _cache = cache;
        _serializer = serializer;
        _unsaved = unsaved;
        _outage = outage;
        _events = events;
        _connections = connections;
        _authentication = authentication;
        _protector = dataProtection.Provider.CreateProtector(PurposeName, "v1");
        _time = time;
        _options = options;
        _logger = logger;
    }

    public Task<string> StoreAsync(AuthenticationTicket ticket) => StoreAsync(ticket, CancellationToken.None);

    public Task<string> StoreAsync(AuthenticationTicket ticket, CancellationToken cancellationToken) =>
        StoreAsync(ticket, null!, cancellationToken);

    public async Task<string> StoreAsync(AuthenticationTicket ticket, HttpContext httpContext, CancellationToken cancellationToken)
    {
        var key = NewKey();
        ticket.Properties.Items[SessionProperties.SessionKey] = key;

        // Needed only to redeem the code, which is done: not kept for the session's lifetime.
        ticket.Properties.Items.Remove(OpenIdConnectDefaults.RedirectUriForCodePropertiesKey);
        var now = _time.GetUtcNow();
        if (ticket.Properties.GetCreated() is null)
        {
            ticket.Properties.SetCreated(now);
        }

        try
        {
            await _store.SetAsync(ToSession(key, ticket, now), cancellationToken);
        }
        catch (Exception ex) when (SessionStoreOutage.Is(ex))
        {
            _outage.WriteRefused(); // the next logins are refused before the password page
            throw;
        }

        _outage.WriteTaken();
        BffLog.SessionCreated(_logger, ticket.Principal.FindFirst("sub")?.Value);
        await _events.SessionCreatedAsync(
            new BffSessionCreated { SubjectId = ticket.Principal.FindFirst("sub")?.Value ?? string.Empty, SessionId = SessionIds.For(ticket.Principal, ticket.Properties) },
            cancellationToken);
        return key;
    }

    public Task RenewAsync(string key, AuthenticationTicket ticket) => RenewAsync(key, ticket, CancellationToken.None);

    public Task RenewAsync(string key, AuthenticationTicket ticket, CancellationToken cancellationToken) =>
        RenewAsync(key, ticket, null!, cancellationToken);

    /// <summary>
    /// The cookie handler's sliding renewal. Its ticket was read at the start of the request, so its
    /// tokens may be older than the stored ones (a refresh may have rotated them meanwhile): only
    /// the lifetime is taken from it, the stored tokens are kept.
    /// </summary>
    public Task RenewAsync(string key, AuthenticationTicket ticket, HttpContext httpContext, CancellationToken cancellationToken) =>
        UpdateAsync(
            key,
            stored =>
            {
                if (stored is null)
                {
                    return Task.FromResult((false, false)); // ended meanwhile: do not bring it back
                }

                stored.Properties.IssuedUtc = ticket.Properties.IssuedUtc;
                stored.Properties.ExpiresUtc = ticket.Properties.ExpiresUtc;
                return Task.FromResult((true, true));
            },
            cancellationToken);

    /// <summary>
    /// Reads the session, lets <paramref name="update"/> change it, and writes it back when asked,
    /// all under the session's lock (shared by every instance with the Redis store), so refreshes
    /// and renewals of one session never undo each other.
    /// </summary>
    /// <remarks>
    /// A write the store refuses (disk full, read-only, unreachable) after <paramref name="update"/>
    /// changed the session is not an error: the provider may already have rotated the refresh token,
    /// so the new version is kept in memory (<see cref="UnsavedSessions"/>), read instead of the
    /// store's, and written again later. Replaying the store's retired refresh token would make a
    /// provider with reuse detection revoke the user's whole token family.
    /// </remarks>
    public async Task<TResult> UpdateAsync<TResult>(string key, Func<AuthenticationTicket?, Task<(bool Write, TResult Result)>> update, CancellationToken cancellationToken)
    {
        await using var _ = await _locks.AcquireAsync(key, cancellationToken);
        if (_unsaved.TryGet(key, out var unsaved))
        {
            await TryWriteUnsavedLockedAsync(key, unsaved, cancellationToken);
        }

        var stored = await RetrieveAsync(key, fromStore: true, cancellationToken);
        var storedRefreshToken = _unsaved.TryGet(key, out var stillUnsaved)
            ? stillUnsaved.StoredRefreshToken
            : stored?.Properties.GetTokenValue(Core.TokenNames.RefreshToken);
        var (write, result) = await update(stored);
        if (write && stored is not null)
        {
            var now = _time.GetUtcNow();
            var session = ToSession(key, stored, now);
            try
            {
                await _store.SetAsync(session, cancellationToken);
                _unsaved.Remove(key);
                _outage.WriteTaken();
            }
            catch (Exception ex) when (SessionStoreOutage.Is(ex))
            {
                _outage.WriteRefused();
                if (!_unsaved.TryKeep(key, new UnsavedSessions.Entry(session, storedRefreshToken, now)))
                {
                    BffLog.UnsavedSessionsFull(_logger, UnsavedSessions.MaxEntries);
                    throw;
                }

                BffLog.SessionKeptUnsaved(_logger, stored.Principal.FindFirst("sub")?.Value, SessionStoreOutage.Describe(ex));
            }

            _cache.Set(key, session.Ticket, stored); // an active session: its next read skips decryption
        }

        return result;
    }

    /// <summary>
    /// Writes the sessions the store refused earlier, each under its lock; returns how many still
    /// wait (the store still refuses them).
    /// </summary>
    public async Task<int> WriteUnsavedAsync(CancellationToken cancellationToken)
    {
        foreach (var key in _unsaved.Keys)
        {
            await using var _ = await _locks.AcquireAsync(key, cancellationToken);
            if (_unsaved.TryGet(key, out var unsaved) && !await TryWriteUnsavedLockedAsync(key, unsaved, cancellationToken))
            {
                break; // the store still refuses: try the rest next time
            }
        }

        return _unsaved.Count;
    }

    /// <summary>
    /// Under the session's lock: writes its unsaved version unless the store no longer holds the
    /// version it replaced (the session ended, or another instance stored a newer one: theirs
    /// stands). False when the store refuses again.
    /// </summary>
    private async Task<bool> TryWriteUnsavedLockedAsync(string key, UnsavedSessions.Entry unsaved, CancellationToken cancellationToken)
    {
        try
        {
            var current = _store is ICachingUserSessionStore caching
                ? await caching.GetFromStoreAsync(key, cancellationToken)
                : await _store.GetAsync(key, cancellationToken);
            if (current is null)
            {
                _unsaved.Remove(key, unsaved);
                BffLog.UnsavedSessionDropped(_logger, "the session ended meanwhile");
                return true;
            }

            if (Unprotect(current)?.Properties.GetTokenValue(Core.TokenNames.RefreshToken) != unsaved.StoredRefreshToken)
            {
                _unsaved.Remove(key, unsaved);
                BffLog.UnsavedSessionDropped(_logger, "another instance stored a newer version of the session");
                return true;
            }

            await _store.SetAsync(unsaved.Session, cancellationToken);
            _unsaved.Remove(key, unsaved);
            _outage.WriteTaken();
            BffLog.UnsavedSessionWritten(_logger, _time.GetUtcNow() - unsaved.Since);
            return true;
        }
        catch (Exception ex) when (SessionStoreOutage.Is(ex))
        {
            return false;
        }
    }

    public Task<AuthenticationTicket?> RetrieveAsync(string key) => RetrieveAsync(key, CancellationToken.None);

    public Task<AuthenticationTicket?> RetrieveAsync(string key, CancellationToken cancellationToken) =>
        RetrieveAsync(key, null!, cancellationToken);

    /// <summary>
    /// The cookie handler's read. Its requests share the session's cached ticket, principal
    /// included, except when the host registered a claims transformation: ASP.NET Core hands the
    /// principal to it, and a transformation may change it (its documentation's example adds an
    /// identity), so each request then gets its own copy of the principal, as it would without the
    /// cache, and nothing one request's transformation added is seen by the next.
    /// </summary>
    public Task<AuthenticationTicket?> RetrieveAsync(string key, HttpContext httpContext, CancellationToken cancellationToken) =>
        httpContext is not null && _authentication.TransformsClaims(httpContext)
            ? RetrieveWithOwnPrincipalAsync(key, cancellationToken)
            : RetrieveAsync(key, fromStore: false, cancellationToken);

    private async Task<AuthenticationTicket?> RetrieveWithOwnPrincipalAsync(string key, CancellationToken cancellationToken) =>
        await RetrieveAsync(key, fromStore: false, cancellationToken) is { } ticket
            ? new AuthenticationTicket(ticket.Principal.Clone(), ticket.Properties, ticket.AuthenticationScheme)
            : null;

    /// <summary>
    /// Reads a session's ticket as the store holds it now (never from an in-memory copy), whole (with
    /// the ID and refresh tokens, which the shared copy of a session in use leaves out) and changeable.
    /// </summary>
    public Task<AuthenticationTicket?> RetrieveFromStoreAsync(string key, CancellationToken cancellationToken) =>
        RetrieveAsync(key, fromStore: true, cancellationToken);

    /// <summary>
    /// The hot path's read (<c>BffSessionAuthenticator</c>) of the session a remembered cookie refers
    /// to: the shared session when the store holds, now, exactly the bytes its cached ticket was
    /// decrypted from (the store is read every time; the cached ticket is found through the cookie's
    /// <see cref="SessionCache.KnownSession"/> while it is still cached). Null for
    /// anything else (no session, an expired one, a newer version kept unsaved, a ticket not
    /// decrypted yet), which the cookie handler then reads through <see cref="RetrieveAsync(string, HttpContext, CancellationToken)"/>
    /// as before: ending an expired session, decrypting, filling the cache.
    /// </summary>
    public ValueTask<SessionCache.SharedSession?> GetSharedAsync(SessionCache.KnownSession cookie, CancellationToken cancellationToken) =>
        cookie.SessionKey is not { } key ? default
        : _store is ILocalSessionReader local && local.TryReadLocal(key, out var session)
            ? new ValueTask<SessionCache.SharedSession?>(Shared(cookie, key, session)) // no Task per request
            : GetSharedFromStoreAsync(cookie, key, cancellationToken);

    private async ValueTask<SessionCache.SharedSession?> GetSharedFromStoreAsync(SessionCache.KnownSession cookie, string key, CancellationToken cancellationToken) =>
        Shared(cookie, key, await _store.GetAsync(key, cancellationToken));

    private SessionCache.SharedSession? Shared(SessionCache.KnownSession cookie, string key, UserSession? session) =>
        session is null
        || (session.Expires is { } expires && expires <= _time.GetUtcNow())
        || _unsaved.TryGet(key, out _)
            ? null
            : _cache.GetShared(cookie, session.Ticket);

    /// <summary>
    /// Reads a session's ticket. <paramref name="fromStore"/>: bypass a store's in-memory copies
    /// (<see cref="ICachingUserSessionStore"/>) and the shared decrypted copy, for reads whose result
    /// is written back or that need the ID or refresh token.
    /// </summary>
    private async Task<AuthenticationTicket?> RetrieveAsync(string key, bool fromStore, CancellationToken cancellationToken)
    {
        var session = fromStore && _store is ICachingUserSessionStore caching
            ? await caching.GetFromStoreAsync(key, cancellationToken)
            : await _store.GetAsync(key, cancellationToken);
        if (session is null)
        {
            return null;
        }

        if (_unsaved.TryGet(key, out var unsaved))
        {
            session = unsaved.Session; // newer than the store's copy, whose refresh token the provider retired
        }

        if (session.Expires is { } expires && expires <= _time.GetUtcNow())
        {
            await _store.DeleteAsync(key, cancellationToken);
            _connections.Close(key, "the session expired");
            _metrics.SessionsExpired(1);
            BffLog.SessionExpired(_logger);
            await _events.SessionEndedAsync(
                Unprotect(session) is { } expired
                    ? SessionTerminator.Ended(expired, BffSessionEndReason.Expired)
                    : new BffSessionEnded { SubjectId = session.SubjectId, SessionId = session.SessionId ?? string.Empty, Reason = BffSessionEndReason.Expired },
                cancellationToken);
            return null;
        }

        // A read whose result is written back, or that needs the ID or refresh token (fromStore),
        // decrypts its own full copy; other readers share the cached ticket.
        var ticket = fromStore ? null : _cache.Get(key, session.Ticket);
        if (ticket is null)
        {
            // A shared read decodes only what the shared copy keeps (no ID or refresh token).
            ticket = fromStore ? Unprotect(session) : Unprotect(session, SessionCache.TicketCache.NotShared);
            if (ticket is null)
            {
                return null;
            }

            ticket.Properties.Items[SessionProperties.SessionKey] = key;
            var shared = _cache.Set(key, session.Ticket, ticket);
            if (!fromStore)
            {
                ticket = shared; // the same ticket a cache hit gives: a request never sees more on a miss
            }
        }

        return ticket;
    }

    /// <summary>Decrypts a stored session's ticket; null when it was written with keys this instance does not have.</summary>
    public AuthenticationTicket? Unprotect(UserSession session) => Unprotect(session, []);

    /// <summary>As <see cref="Unprotect(UserSession)"/>, without the properties' items named in <paramref name="leaveOut"/>.</summary>
    private AuthenticationTicket? Unprotect(UserSession session, ReadOnlySpan<string> leaveOut)
    {
        try
        {
            var ticket = SessionTicketFormat.Deserialize(_protector.Unprotect(session.Ticket), _serializer, leaveOut);
            if (ticket is null)
            {
                BffLog.SessionUnreadable(_logger);
            }

            return ticket;
        }
        catch (Exception ex) when (ex is CryptographicException or EndOfStreamException or FormatException or InvalidDataException)
        {
            // Treat as no session, never a 500.
            BffLog.SessionUnreadable(_logger);
            return null;
        }
    }

    public Task RemoveAsync(string key) => RemoveAsync(key, CancellationToken.None);

    public Task RemoveAsync(string key, CancellationToken cancellationToken) => RemoveAsync(key, null!, cancellationToken);

    public async Task RemoveAsync(string key, HttpContext httpContext, CancellationToken cancellationToken)
    {
        _cache.Remove(key);
        await _store.DeleteAsync(key, cancellationToken);
        _unsaved.Remove(key);
        _connections.Close(key, "the session ended"); // every end but an expiry found on read deletes through here
    }

    private static string NewKey() => Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    private static string Base64UrlEncode(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private UserSession ToSession(string key, AuthenticationTicket ticket, DateTimeOffset now)
    {
        var created = ticket.Properties.GetCreated() ?? now;
        var absoluteEnd = created + _options.CurrentValue.Session.AbsoluteTimeout;
        if (ticket.Properties.ExpiresUtc is null || ticket.Properties.ExpiresUtc > absoluteEnd)
        {
            ticket.Properties.ExpiresUtc = absoluteEnd;
        }

        return new UserSession
        {
            Key = key,
            SubjectId = ticket.Principal.FindFirst("sub")?.Value ?? string.Empty,
            SessionId = ticket.Principal.FindFirst("sid")?.Value,
            Created = created,
            Renewed = now,
            Expires = ticket.Properties.ExpiresUtc,
            Ticket = _protector.Protect(SessionTicketFormat.Serialize(ticket)),
        };
    }
}
