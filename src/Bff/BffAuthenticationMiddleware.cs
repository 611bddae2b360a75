using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace OpenBff;

/// <summary>
/// ASP.NET Core's <see cref="AuthenticationMiddleware"/>, step for step, but without creating the
/// OpenID Connect handler on requests it cannot handle. ASP.NET Core asks every request-handler
/// scheme about every request, and for an OpenID Connect scheme that means creating and
/// initializing an <see cref="OpenIdConnectHandler"/> only to compare the path with its three
/// paths. This middleware compares them itself, as that handler does (<see cref="PathString"/>
/// equality, which ignores case), and creates the handler only on a match. Every other
/// request-handler scheme, including a class derived from <see cref="OpenIdConnectHandler"/>
/// (which may handle more paths), is asked on every request as usual. A request of a session in
/// use that needs no renewal gets the session's shared result without the cookie handler
/// (<see cref="BffSessionAuthenticator"/>, which says when); any other goes through
/// <c>AuthenticateAsync</c> as in ASP.NET Core.
/// </summary>
internal sealed class BffAuthenticationMiddleware
{
    private readonly RequestDelegate _next;
    private readonly IAuthenticationSchemeProvider _schemes;
    private readonly IOptionsMonitor<OpenIdConnectOptions> _openIdConnectOptions;
    private readonly Sessions.SessionStoreOutage _storeOutage;
    private readonly BffSessionAuthenticator _sessions;

    public BffAuthenticationMiddleware(
        RequestDelegate next,
        IAuthenticationSchemeProvider schemes,
        IOptionsMonitor<OpenIdConnectOptions> openIdConnectOptions,
        Sessions.SessionStoreOutage storeOutage,
        BffSessionAuthenticator sessions)
    {
        _storeOutage = storeOutage;
        _sessions = sessions;
        _next = next;
        _schemes = schemes;
        _openIdConnectOptions = openIdConnectOptions;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        // One method (one state machine per request); the catch costs nothing until a store fails.
        try
        {
            context.Features.Set<IAuthenticationFeature>(new AuthenticationFeature
            {
                OriginalPath = context.Request.Path,
                OriginalPathBase = context.Request.PathBase,
            });

            // Request-handler schemes (remote callbacks) may answer the request themselves.
            IAuthenticationHandlerProvider? handlers = null; // a scoped service: resolved only when a scheme is asked
            var requestHandlers = await _schemes.GetRequestHandlerSchemesAsync();
            foreach (var scheme in requestHandlers as AuthenticationScheme[] ?? [.. requestHandlers]) // ASP.NET Core's provider answers an array: no enumerator per request
            {
                if (IsOpenIdConnectOutsideItsPaths(scheme, context.Request.Path))
                {
                    continue;
                }

                handlers ??= context.RequestServices.GetRequiredService<IAuthenticationHandlerProvider>();
                if (await handlers.GetHandlerAsync(context, scheme.Name) is IAuthenticationRequestHandler handler
                    && await handler.HandleRequestAsync())
                {
                    return;
                }
            }

            var defaultScheme = await _schemes.GetDefaultAuthenticateSchemeAsync();
            if (defaultScheme is not null)
            {
                // A session in use needing no renewal: its shared result, as the cookie handler
                // would return it (BffSessionAuthenticator); otherwise the handler.
                // An application's own IAuthenticationService may answer null, which ASP.NET Core tolerates.
                var result = await _sessions.AuthenticateAsync(context, defaultScheme)
                    ?? await context.AuthenticateAsync(defaultScheme.Name);
                if (result?.Principal is not null)
                {
                    context.User = result.Principal;
                }

                if (result?.Succeeded == true)
                {
                    var features = new BffAuthenticationFeatures(result);
                    context.Features.Set<IHttpAuthenticationFeature>(features);
                    context.Features.Set<IAuthenticateResultFeature>(features);
                }
            }

            await _next(context);
        }
        catch (Exception ex) when (Sessions.SessionStoreOutage.Is(ex) && !context.Response.HasStarted)
        {
            await _storeOutage.WriteAsync(context, ex);
        }
    }

    /// <summary>
    /// True when <paramref name="scheme"/> is handled by <see cref="OpenIdConnectHandler"/> itself
    /// and <paramref name="path"/> is none of the paths its <c>HandleRequestAsync</c> answers:
    /// <c>RemoteSignOutPath</c> and <c>SignedOutCallbackPath</c> when set, and <c>CallbackPath</c>
    /// (compared even when empty, as the handler does). The options are read per request, so a
    /// reload of them is seen at once (<see cref="IOptionsMonitor{TOptions}.Get"/> is a cached lookup).
    /// </summary>
    private bool IsOpenIdConnectOutsideItsPaths(AuthenticationScheme scheme, PathString path)
    {
        if (scheme.HandlerType != typeof(OpenIdConnectHandler))
        {
            return false;
        }

        var options = _openIdConnectOptions.Get(scheme.Name);
        return !(options.RemoteSignOutPath.HasValue && options.RemoteSignOutPath == path)
            && !(options.SignedOutCallbackPath.HasValue && options.SignedOutCallbackPath == path)
            && options.CallbackPath != path;
    }
}
