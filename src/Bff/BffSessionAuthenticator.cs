using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace OpenBff;

/// <summary>
/// The hot path's session authentication (issue 17, item 1): for a request whose session cookie
/// was decrypted before, whose session the store holds unchanged (read on every request, as the
/// cookie handler reads it: a logout, a refresh or another instance's change is seen at once) and
/// whose session needs no renewal, the <see cref="AuthenticateResult"/> ASP.NET Core's cookie
/// handler would return, made once per cached ticket, without creating the handler, the
/// authentication service, their tasks, contexts and wrappers. A request that carries no session
/// cookie at all gets the handler's answer to it, <c>AuthenticateResult.NoResult()</c>, as directly
/// (stop 32: a visitor's request went through the handler and a request scope, 1.9 KB and about
/// 4 µs more than a signed-in user's). Everything else is left to
/// <c>AuthenticateAsync</c> as before (null): another cookie value, several <c>Cookie</c> headers, a
/// chunked cookie, no or an expired session, a ticket not decrypted yet, a sliding renewal due.
/// </summary>
/// <remarks>
/// Only when the result is provably the handler's: the default scheme is the BFF's cookie scheme
/// with ASP.NET Core's own handler, authentication service, handler provider and claims
/// transformation (the no-op: a host's transformation runs on every request through the service),
/// no forwarding, the BFF's ticket format, ticket store and cookie manager, and no event the
/// handler would raise assigned by the host (<see cref="Authentication.BffCookieEvents.RaiseNothingWithoutRenewal"/>).
/// Any of these changed, every request goes through the cookie handler, its events raised.
/// The authentication service's <c>aspnetcore.authentication.authenticate.duration</c> is recorded
/// as it would record it (<see cref="Authentication.AuthenticateDuration"/>). The shared result's ticket refuses changes to its properties; its principal is shared by the
/// session's requests, as the cached ticket's already was.
/// </remarks>
internal sealed class BffSessionAuthenticator
{
    private readonly IOptionsMonitor<CookieAuthenticationOptions> _cookieOptions;
    private readonly Sessions.ServerSideTicketStore _ticketStore;
    private readonly Sessions.AuthenticationServiceShape _services;
    private readonly Authentication.AuthenticateDuration _duration;

    public BffSessionAuthenticator(IOptionsMonitor<CookieAuthenticationOptions> cookieOptions, Sessions.ServerSideTicketStore ticketStore, Sessions.AuthenticationServiceShape services, Authentication.AuthenticateDuration duration)
    {
        _cookieOptions = cookieOptions;
        _ticketStore = ticketStore;
        _services = services;
        _duration = duration;
    }

    /// <summary>The session's shared result, or null: authenticate through <c>AuthenticateAsync</c>.</summary>
    public ValueTask<AuthenticateResult?> AuthenticateAsync(HttpContext context, AuthenticationScheme scheme)
    {
        if (scheme.HandlerType != typeof(CookieAuthenticationHandler)
            || !string.Equals(scheme.Name, BffDefaults.CookieScheme, StringComparison.Ordinal)
            || !_services.AreDefaults(context)
            || context.Features.Get<ITlsTokenBindingFeature>() is not null) // the handler would bind the cookie to it
        {
            return default;
        }

        var options = _cookieOptions.Get(scheme.Name);
        if (options.ForwardAuthenticate is not null || options.ForwardDefault is not null || options.ForwardDefaultSelector is not null
            || options.EventsType is not null
            || options.Events is not Authentication.BffCookieEvents { RaiseNothingWithoutRenewal: true }
            || !ReferenceEquals(options.SessionStore, _ticketStore)
            || options.CookieManager is not Configuration.KnownSessionCookieManager cookies
            || !ReferenceEquals(options.TicketDataFormat, cookies.Format)
            || options.Cookie.Name is not { } cookieName)
        {
            return default;
        }

        if (cookies.FindKnownSession(context, cookieName) is { } cookie)
        {
            return AuthenticateAsync(context, cookie, options);
        }

        if (Configuration.KnownSessionCookieManager.CarriesNoCookie(context, cookieName))
        {
            // No session cookie at all (a visitor before login, a public route, the SPA's fallback
            // page): the handler would read none and answer NoResult; the service would record it so.
            _duration.FoundNothing(BffDefaults.CookieScheme, _duration.Start());
            return new(AuthenticateResult.NoResult());
        }

        return default;
    }

    private async ValueTask<AuthenticateResult?> AuthenticateAsync(HttpContext context, SessionCache.KnownSession cookie, CookieAuthenticationOptions options)
    {
        var started = _duration.Start();
        if (await _ticketStore.GetSharedAsync(cookie, context.RequestAborted) is not { } session)
        {
            return null;
        }

        // The cookie handler's checks, on the same ticket, in the same order: expired (it ends the
        // session), then renewal due (it raises OnCheckSlidingExpiration and rewrites the cookie).
        var now = (options.TimeProvider ?? TimeProvider.System).GetUtcNow();
        if (session.ExpiresUtc is { } expires && expires < now)
        {
            return null;
        }

        if (options.SlidingExpiration && (session.AllowRefresh ?? true)
            && session.IssuedUtc is { } issued && session.ExpiresUtc is { } end
            && end - now < now - issued)
        {
            return null;
        }

        _duration.Succeeded(BffDefaults.CookieScheme, started); // what the authentication service would have recorded
        return session.Result;
    }
}
