using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace OpenBff.Health;

/// <summary>
/// Readiness: the OpenID Provider's discovery document is loaded, and the provider answers now (a
/// GET of that document: the cached copy alone would stay Healthy through an outage). The answer
/// is kept <see cref="CacheFor"/>, so probes (anonymous, however many) cost the provider at most
/// one request per interval.
/// </summary>
internal sealed class IdentityProviderHealthCheck : IHealthCheck
{
    public const string Name = "identity-provider";

    /// <summary>How long one probe of the provider answers for.</summary>
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(3);

    private readonly IOptionsMonitor<OpenIdConnectOptions> _oidc;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private (DateTimeOffset At, Task<(bool Reachable, string Description, Exception? Error)> Probe)? _last;

    public IdentityProviderHealthCheck(IOptionsMonitor<OpenIdConnectOptions> oidc, TimeProvider time)
    {
        _oidc = oidc;
        _time = time;
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var (reachable, description, error) = await CurrentProbe().WaitAsync(cancellationToken);
        return reachable ? HealthCheckResult.Healthy(description) : new HealthCheckResult(context.Registration.FailureStatus, description, error);
    }

    private Task<(bool, string, Exception?)> CurrentProbe()
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            if (_last is { } last && now - last.At < CacheFor)
            {
                return last.Probe;
            }

            var probe = ProbeAsync();
            _last = (now, probe);
            return probe;
        }
    }

    private async Task<(bool, string, Exception?)> ProbeAsync()
    {
        var options = _oidc.Get(BffDefaults.OidcScheme);
        try
        {
            var manager = options.ConfigurationManager
                ?? throw new InvalidOperationException("The OpenID Connect handler has no configuration manager.");
            await manager.GetConfigurationAsync(CancellationToken.None);
        }
        catch (Exception ex)
        {
            return (false, "The discovery document of the OpenID Provider could not be loaded.", ex);
        }

        try
        {
            using var timeout = new CancellationTokenSource(ProbeTimeout);
            using var request = new HttpRequestMessage(HttpMethod.Get, options.MetadataAddress);
            using var response = await options.Backchannel.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return response.IsSuccessStatusCode
                ? (true, "The OpenID Provider answers.", null)
                : (false, $"The OpenID Provider answers its discovery document with status {(int)response.StatusCode}.", null);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return (false, "The OpenID Provider cannot be reached right now (the BFF keeps its discovery document and keys).", ex);
        }
    }
}
