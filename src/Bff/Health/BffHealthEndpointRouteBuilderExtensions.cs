using OpenBff.Health;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the BFF's health endpoints.</summary>
public static class BffHealthEndpointRouteBuilderExtensions
{
    /// <summary>
    /// The tag of the health checks <c>/health/ready</c> runs: the BFF's own (<c>session-store</c>,
    /// <c>identity-provider</c>) and any the application registers with it.
    /// </summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Maps <c>{basePath}/live</c> (200 while the process runs; no check) and <c>{basePath}/ready</c>
    /// (200 when every check tagged <see cref="ReadyTag"/> passes — the session store answers and the
    /// provider's discovery document is loaded — else 503), both answering JSON with
    /// <c>Cache-Control: no-store</c>, needing neither a session nor the anti-forgery header.
    /// </summary>
    public static IEndpointConventionBuilder MapBffHealthEndpoints(this IEndpointRouteBuilder endpoints, string basePath = "/health")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(basePath);
        group.MapHealthChecks("/live", new HealthCheckOptions
        {
            Predicate = static _ => false,
            ResponseWriter = HealthResponseWriter.WriteAsync,
        });
        group.MapHealthChecks("/ready", new HealthCheckOptions
        {
            Predicate = static registration => registration.Tags.Contains(ReadyTag),
            ResponseWriter = HealthResponseWriter.WriteAsync,
        });
        group.AllowAnonymous();
        return group;
    }
}
