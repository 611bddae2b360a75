namespace Bff.DevIdp;

/// <summary>Middleware and endpoints of the development IdP.</summary>
internal static class DevIdpPipeline
{
    public static void UseDevIdp(this WebApplication app)
    {
        app.UseAuthentication();

        app.MapHomeEndpoints();
        app.MapAccountEndpoints();
        app.MapAuthorizeEndpoint();
        app.MapEndSessionEndpoint();
        app.MapUserInfoEndpoint();
    }
}
