using Bff.Sessions;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Bff.Configuration;

/// <summary>
/// The session cookie: <c>__Host-</c> name, HttpOnly, Secure, Path=/, SameSite=Strict, holding only
/// the session key (the ticket lives server-side). Challenges and forbids answer 401/403, never a redirect.
/// </summary>
internal sealed class ConfigureCookieOptions : IConfigureNamedOptions<CookieAuthenticationOptions>
{
    private readonly IOptions<BffOptions> _bff;
    private readonly ServerSideTicketStore _ticketStore;
    private readonly TimeProvider _time;
    private readonly BffDataProtection _dataProtection;

    public ConfigureCookieOptions(IOptions<BffOptions> bff, ServerSideTicketStore ticketStore, TimeProvider time, BffDataProtection dataProtection)
    {
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

        var userPath = _bff.Value.ManagementBasePath + "/user";
        options.Events.OnRedirectToLogin = context =>
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Task.CompletedTask;
        };
        options.Events.OnRedirectToAccessDenied = context =>
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return Task.CompletedTask;
        };
        options.Events.OnCheckSlidingExpiration = context =>
        {
            // /bff/user?slide=false reads the session without extending it.
            if (context.Request.Path.Equals(userPath, StringComparison.OrdinalIgnoreCase)
                && string.Equals(context.Request.Query["slide"], "false", StringComparison.OrdinalIgnoreCase))
            {
                context.ShouldRenew = false;
            }

            if (context.ShouldRenew)
            {
                context.HttpContext.Items[BffItems.SessionRenewed] = true;
            }

            return Task.CompletedTask;
        };
    }
}
