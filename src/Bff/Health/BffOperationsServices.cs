using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

using OpenBff.Diagnostics;

namespace OpenBff.Health;

/// <summary>
/// Registers the operator features <c>AddBff()</c> brings: the <c>Bff</c> meter's instruments, the
/// readiness health checks, the discovery-document warm-up and the Development diagnostics endpoint.
/// </summary>
internal static class BffOperationsServices
{
    /// <summary>How long a readiness check may take before it counts as failed.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    public static void Add(IServiceCollection services)
    {
        services.AddMetrics();
        services.AddHostedService<DiscoveryDocumentWarmup>();
        services.AddHostedService<PublicOriginWarning>();
        if (services.Any(d => d.ServiceType == typeof(BffInstruments)))
        {
            return; // AddBff() called again: the health checks are registered already
        }

        services.AddSingleton<BffInstruments>();
        services.AddHealthChecks()
            .AddCheck<SessionStoreHealthCheck>(SessionStoreHealthCheck.Name, HealthStatus.Unhealthy, [BffHealthEndpointRouteBuilderExtensions.ReadyTag], CheckTimeout)
            .AddCheck<IdentityProviderHealthCheck>(IdentityProviderHealthCheck.Name, HealthStatus.Unhealthy, [BffHealthEndpointRouteBuilderExtensions.ReadyTag], CheckTimeout);
    }
}
