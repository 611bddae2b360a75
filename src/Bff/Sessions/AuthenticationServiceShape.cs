using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace OpenBff.Sessions;

/// <summary>
/// What a host registered in place of ASP.NET Core's authentication services, looked at once (on
/// the first request's services: registrations never change once the host is built): whether the
/// cookie handler may be skipped (<c>BffSessionAuthenticator</c>), and whether the
/// ticket store must give each request its own principal.
/// </summary>
internal sealed class AuthenticationServiceShape
{
    private int _defaults; // 0: not looked at yet; 1: yes; -1: no
    private int _transforms;

    /// <summary>
    /// Whether <c>AuthenticateAsync</c> reaches the cookie handler as ASP.NET Core made it and returns
    /// its result unchanged: ASP.NET Core's authentication service (<see cref="IsAspNetCores"/>) and
    /// handler provider, and the no-op claims transformation. The request's services are asked only
    /// the first time: asking for <see cref="HttpContext.RequestServices"/> creates the request's
    /// service scope, which a proxied request otherwise never needs.
    /// </summary>
    public bool AreDefaults(HttpContext context) => LookedAt(ref _defaults, context, static c => AreDefaultsNow(c.RequestServices));

    /// <summary>Whether a claims transformation other than ASP.NET Core's no-op is registered (the request's services asked the first time only).</summary>
    public bool TransformsClaims(HttpContext context) => LookedAt(ref _transforms, context, static c => !IsNoop(c.RequestServices));

    private static bool LookedAt(ref int known, HttpContext context, Func<HttpContext, bool> lookAt)
    {
        var value = Volatile.Read(ref known);
        if (value == 0)
        {
            value = lookAt(context) ? 1 : -1;
            Volatile.Write(ref known, value);
        }

        return value > 0;
    }

    private static bool IsNoop(IServiceProvider services) =>
        services.GetService<IClaimsTransformation>() is not { } transformation || transformation.GetType() == typeof(NoopClaimsTransformation);

    /// <summary>
    /// <see cref="AuthenticationService"/>, or the class ASP.NET Core registers since .NET 8
    /// (<c>AuthenticationServiceImpl</c>, internal: the same, plus its metrics, which
    /// <c>Authentication/AuthenticateDuration</c> records for the requests it does not see).
    /// </summary>
    private static bool IsAspNetCores(IAuthenticationService? service) =>
        service?.GetType() is { } type
        && (type == typeof(AuthenticationService)
            || (type.Assembly == typeof(AuthenticationService).Assembly && type.FullName == "Microsoft.AspNetCore.Authentication.AuthenticationServiceImpl"));

    private static bool AreDefaultsNow(IServiceProvider services) =>
        IsAspNetCores(services.GetService<IAuthenticationService>())
        && services.GetService<IAuthenticationHandlerProvider>()?.GetType() == typeof(AuthenticationHandlerProvider)
        && IsNoop(services);
}
