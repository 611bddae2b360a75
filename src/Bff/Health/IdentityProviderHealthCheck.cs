using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Bff.Health;

/// <summary>
/// Readiness: the OpenID Provider's discovery document is loaded. Once it is, the OpenID Connect
/// handler's configuration manager answers from its cache (no request to the provider per probe).
/// </summary>
internal sealed class IdentityProviderHealthCheck : IHealthCheck
{
    public const string Name = "identity-provider";

    private readonly IOptionsMonitor<OpenIdConnectOptions> _oidc;

    public IdentityProviderHealthCheck(IOptionsMonitor<OpenIdConnectOptions> oidc) => _oidc = oidc;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var manager = _oidc.Get(BffDefaults.OidcScheme).ConfigurationManager
                ?? throw new InvalidOperationException("The OpenID Connect handler has no configuration manager.");

            // WaitAsync: the manager does not stop a fetch for a caller's token; the check's timeout does.
            await manager.GetConfigurationAsync(cancellationToken).WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy("The discovery document of the OpenID Provider is loaded.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The discovery document of the OpenID Provider could not be loaded.", ex);
        }
    }
}
