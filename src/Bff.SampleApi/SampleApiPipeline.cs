namespace Bff.SampleApi;

/// <summary>Middleware and endpoints of the sample API.</summary>
internal static class SampleApiPipeline
{
    public static void UseSampleApi(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseWebSockets();

        app.MapHealthEndpoint();
        app.MapProtectedEndpoints();
        app.MapEchoEndpoint();
        app.MapStatusEndpoint();
        app.MapWebSocketEchoEndpoint();
        app.MapNotificationsHub();
    }
}
