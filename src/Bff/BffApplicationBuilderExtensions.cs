using Bff;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds the BFF middleware.</summary>
public static class BffApplicationBuilderExtensions
{
    /// <summary>
    /// Adds the BFF middleware: anti-forgery for BFF endpoints and proxied routes, <c>no-store</c>
    /// on management endpoints, and access-token resolution for proxied routes. Call it after
    /// <c>UseAuthentication()</c> and before the endpoints (<c>MapReverseProxy()</c>).
    /// </summary>
    public static IApplicationBuilder UseBff(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.UseMiddleware<BffMiddleware>();
    }
}
