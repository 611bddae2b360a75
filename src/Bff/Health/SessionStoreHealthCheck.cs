using OpenBff.Sessions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace OpenBff.Health;

/// <summary>
/// Readiness: the session store takes one write and answers one read (a probe record under a key
/// no cookie can name, deleted at once). A full or read-only disk is reported as refusing writes
/// (and logins are then refused before the password page); the Redis store is reported at once
/// while its connection is down, instead of after the command's timeout.
/// </summary>
internal sealed class SessionStoreHealthCheck : IHealthCheck
{
    public const string Name = "session-store";
    private const string ProbeKey = "health-probe";

    private static readonly byte[] ProbeTicket = [0];

    private readonly IUserSessionStore _store;
    private readonly SessionStoreOutage _outage;
    private readonly TimeProvider _time;

    public SessionStoreHealthCheck(IUserSessionStore store, SessionStoreOutage outage, TimeProvider time)
    {
        _store = store;
        _outage = outage;
        _time = time;
    }

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (_store is IReportsAvailability { IsAvailable: false })
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "The session store is not available (not connected).");
        }

        var now = _time.GetUtcNow();
        try
        {
            // WaitAsync: a store that ignores the token still lets the check's timeout end it.
            await _store.SetAsync(
                new UserSession { Key = ProbeKey, SubjectId = ProbeKey, Created = now, Renewed = now, Expires = now.AddMinutes(1), Ticket = ProbeTicket },
                cancellationToken).WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException && SessionStoreOutage.Is(ex) && _store is not IReportsAvailability)
        {
            _outage.WriteRefused();
            return new HealthCheckResult(context.Registration.FailureStatus, $"The session store refuses writes ({SessionStoreOutage.Describe(ex)}).", ex);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The session store did not answer ({ex.GetType().Name}).", ex);
        }

        _outage.WriteTaken();
        try
        {
            await _store.DeleteAsync(ProbeKey, cancellationToken).WaitAsync(cancellationToken);
            await _store.GetAsync(ProbeKey, cancellationToken).WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy("The session store took a write and answered.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, $"The session store did not answer ({ex.GetType().Name}).", ex);
        }
    }
}
