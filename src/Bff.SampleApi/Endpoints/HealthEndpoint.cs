namespace Bff.SampleApi;

/// <summary><c>GET /health</c>: 200 "ok".</summary>
internal static class HealthEndpoint
{
    public static void MapHealthEndpoint(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/health", () => Results.Text("ok"));
}
