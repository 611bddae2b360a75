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
/// <c>AuthenticateAsync</c> as in ASP.NET Core. The features it sets are one object
/// (<see cref="BffAuthenticationFeatures"/>) where ASP.NET Core makes three, and a request
/// authenticated at once goes on without this middleware's state on the heap.
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

    public Task InvokeAsync(HttpContext context)
    {
        // Not an async method: authenticated at once (a session in use, a request without one), the
        // request goes on with only a small state machine on the heap (the outage guard) while the
        // rest of the pipeline awaits, instead of this method's whole state.
        var handled = AuthenticateAsync(context);
        if (!handled.IsCompletedSuccessfully)
        {
            return AuthenticateThenNextAsync(handled, context);
        }

        if (handled.Result)
        {
            return Task.CompletedTask;
        }

        Task next;
        try
        {
            next = _next(context);
        }
        catch (Exception ex) when (Sessions.SessionStoreOutage.Is(ex) && !context.Response.HasStarted)
        {
            return _storeOutage.WriteAsync(context, ex);
        }

        return next.IsCompletedSuccessfully ? next : GuardAsync(next, context);
    }

    /// <summary>The rest of the pipeline, a session store's outage anywhere in it answered 503 while the answer has not started.</summary>
    private async Task GuardAsync(Task next, HttpContext context)
    {
        try
        {
            await next;
        }
        catch (Exception ex) when (Sessions.SessionStoreOutage.Is(ex) && !context.Response.HasStarted)
        {
            await _storeOutage.WriteAsync(context, ex);
        }
    }

    private async Task AuthenticateThenNextAsync(ValueTask<bool> handled, HttpContext context)
    {
        try
        {
            if (await handled)
            {
                return;
            }

            await _next(context);
        }
        catch (Exception ex) when (Sessions.SessionStoreOutage.Is(ex) && !context.Response.HasStarted)
        {
            await _storeOutage.WriteAsync(context, ex);
        }
    }

    /// <summary>
    /// As ASP.NET Core's middleware: the request-handler schemes first (true when one answered the
    /// request), then the default scheme's result as the request's user and authentication features.
    /// </summary>
    private async ValueTask<bool> AuthenticateAsync(HttpContext context)
    {
        var features = new BffAuthenticationFeatures(context.Request.Path, context.Request.PathBase);
        context.Features.Set<IAuthenticationFeature>(features);

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
                return true;
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
            if (result?.Succeeded == true)
            {
                // The request's user is the result's principal (the feature answers it), as ASP.NET
                // Core sets it, without the feature the context would otherwise make for it.
                features.AuthenticateResult = result;
                context.Features.Set<IHttpAuthenticationFeature>(features);
                context.Features.Set<IAuthenticateResultFeature>(features);
            }
            else if (result?.Principal is not null)
            {
                context.User = result.Principal;
            }
            else if (result is { None: true } && string.Equals(defaultScheme.Name, BffDefaults.CookieScheme, StringComparison.Ordinal))
            {
                features.NoSession = true;
            }
        }

        return false;
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
