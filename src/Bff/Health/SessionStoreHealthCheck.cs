using Bff.Sessions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Bff.Health;

/// <summary>
/// Readiness: the session store answers one read (of a key no session has). The Redis store is
/// reported at once while its connection is down, instead of after the command's timeout.
/// </summary>
internal sealed class SessionStoreHealthCheck : IHealthCheck
{
    public const string Name = "session-store";
    private const string ProbeKey = "health-probe";

    private readonly IUserSessionStore _store;
    private readonly IServiceProvider _services;

    public SessionStoreHealthCheck(IUserSessionStore store, IServiceProvider services)
    {
        _store = store;
        _services = services;
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_store is RedisUserSessionStore && !_services.GetRequiredService<IConnectionMultiplexer>().IsConnected)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The session store is not connected (Redis).");
        }

        try
        {
            // WaitAsync: a store that ignores the token still lets the check's timeout end it.
            await _store.GetAsync(ProbeKey, cancellationToken).WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy("The session store answered.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The session store did not answer ({ex.GetType().Name}).", ex);
        }
    }
}
