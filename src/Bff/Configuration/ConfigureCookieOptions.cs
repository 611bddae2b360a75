using OpenBff.Core;
using OpenBff.Sessions;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace OpenBff.Configuration;

/// <summary>
/// The session cookie: <c>__Host-</c> name, HttpOnly, Secure, Path=/, SameSite=Strict, holding only
/// the session key (the ticket lives server-side). Only configures: what the handler does beyond
/// the defaults (401/403, never a redirect; <c>?slide=false</c>) is <see cref="Authentication.BffCookieEvents"/>.
/// </summary>
internal sealed class ConfigureCookieOptions : IConfigureNamedOptions<CookieAuthenticationOptions>
{
    private readonly IOptions<BffOptions> _bff;
    private readonly ServerSideTicketStore _ticketStore;
    private readonly TimeProvider _time;
    private readonly BffDataProtection _dataProtection;
    private readonly Authentication.BffCookieEvents _events;

    public ConfigureCookieOptions(IOptions<BffOptions> bff, ServerSideTicketStore ticketStore, TimeProvider time, BffDataProtection dataProtection, Authentication.BffCookieEvents events)
    {
        _events = events;
        _dataProtection = dataProtection;
        _bff = bff;
        _ticketStore = ticketStore;
        _time = time;
    }

    public void Configure(CookieAuthenticationOptions options) => Configure(Options.DefaultName, options);

    public void Configure(string? name, CookieAuthenticationOptions options)
    {
        if (name != BffDefaults.CookieScheme)
        {
            return;
        }

        var session = _bff.Value.Session;
        options.Cookie.Name = session.CookieName;
        options.Cookie.HttpOnly = true;
        options.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        options.Cookie.SameSite = session.CookieSameSite;
        options.Cookie.Path = "/";
        options.Cookie.Domain = null;
        options.Cookie.IsEssential = true;
        options.ExpireTimeSpan = session.IdleTimeout;
        options.SlidingExpiration = true;
        options.SessionStore = _ticketStore;
        options.TimeProvider = _time;
        options.DataProtectionProvider = _dataProtection.Provider;

        options.Events = _events; // the behaviour: Authentication/BffCookieEvents
    }
}
