using OpenBff;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the BFF middleware.</summary>
public static class BffApplicationBuilderExtensions
{
    // The key UseAuthentication() sets: WebApplication then does not add its own authentication
    // middleware at the start of the pipeline.
    private const string AuthenticationMiddlewareSetKey = "__AuthenticationMiddlewareSet";

    // Set once the public-origin middleware is in the pipeline, so it is added once whichever of
    // UseBffPublicOrigin(), UseBffAuthentication() and UseBff() comes first.
    private const string PublicOriginSetKey = "Bff.PublicOriginMiddlewareSet";

    /// <summary>
    /// Adds authentication: the same as <c>UseAuthentication()</c> (remote-authentication callbacks
    /// are handled, the default scheme authenticates the request and sets <c>HttpContext.User</c>,
    /// <c>IAuthenticateResultFeature</c> is set), but the OpenID Connect handler is created only
    /// for requests to its <c>CallbackPath</c>, <c>SignedOutCallbackPath</c> or
    /// <c>RemoteSignOutPath</c> instead of for every request. Other request-handler schemes an
    /// application adds are asked on every request, as <c>UseAuthentication()</c> does. Call it
    /// where <c>UseAuthentication()</c> would go, before <see cref="UseBff"/>; call one of the two, not both.
    /// </summary>
    public static IApplicationBuilder UseBffAuthentication(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.Properties[AuthenticationMiddlewareSetKey] = true;
        return app.UseBffPublicOrigin().UseMiddleware<BffAuthenticationMiddleware>();
    }

    /// <summary>
    /// Holds every request to <c>Bff:PublicOrigin</c> when it is set: another <c>Host</c> gets 400,
    /// and the request's scheme and host become the public origin's, from which the OpenID Connect
    /// redirect URIs and the same-origin check are built. Call it first (after
    /// <c>UseForwardedHeaders()</c>); without <c>Bff:PublicOrigin</c> it does nothing.
    /// <see cref="UseBffAuthentication"/> and <see cref="UseBff"/> add it themselves when it is not
    /// in the pipeline yet, so a host need not call it; call it to place it earlier, e.g. before
    /// static files or the host's own middleware. It is added once however often it is called.
    /// </summary>
    public static IApplicationBuilder UseBffPublicOrigin(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Properties.ContainsKey(PublicOriginSetKey))
        {
            return app;
        }

        app.Properties[PublicOriginSetKey] = true;
        return app.UseMiddleware<PublicOriginMiddleware>();
    }

    /// <summary>
    /// Adds the BFF middleware: anti-forgery for BFF endpoints and proxied routes, <c>no-store</c>
    /// on management endpoints, and access-token resolution for proxied routes. Call it after
    /// <see cref="UseBffAuthentication"/> (or <c>UseAuthentication()</c>, which works the same but
    /// creates the OpenID Connect handler on every request) and before the endpoints
    /// (<c>MapReverseProxy()</c>). With <c>Bff:PublicOrigin</c> set, the public-origin check runs
    /// first (see <see cref="UseBffPublicOrigin"/>).
    /// </summary>
    public static IApplicationBuilder UseBff(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseBffPublicOrigin().UseMiddleware<BffMiddleware>();
    }
}
