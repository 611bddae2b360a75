using Bff.Sessions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Bff.Health;

/// <summary>Readiness: the session store answers one read (of a key no session has).</summary>
internal sealed class SessionStoreHealthCheck : IHealthCheck
{
    public const string Name = "session-store";
    private const string ProbeKey = "health-probe";

    private readonly IUserSessionStore _store;

    public SessionStoreHealthCheck(IUserSessionStore store) => _store = store;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
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
