using System.Diagnostics.Metrics;
using OpenBff.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OpenBff.Sessions;

/// <summary>
/// Counts the sessions that have not expired, for the <see cref="BffMetrics.ActiveSessions"/> gauge (<see cref="Diagnostics.IActiveSessionSource"/>),
/// with one cheap query to a store that can count (<see cref="ICountsSessions"/>): <c>COUNT(*)</c>
/// on SQLite, <c>ZCOUNT</c> on the Redis expiry index, a pass over the in-memory dictionary. The
/// SQLite and Redis counts are those of the shared store, the same on every instance. A store that
/// cannot count is not counted (the gauge reports nothing).
/// </summary>
internal sealed class ActiveSessionCounter : Diagnostics.IActiveSessionSource
{
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly ILogger<ActiveSessionCounter> _logger;

    public ActiveSessionCounter(IServiceProvider services, TimeProvider time, ILogger<ActiveSessionCounter> logger)
    {
        _services = services;
        _time = time;
        _logger = logger;
    }

    /// <summary>The gauge's callback: one measurement, or none when the store cannot be counted now.</summary>
    public IEnumerable<Measurement<long>> Observe()
    {
        long? count;
        try
        {
            count = Count();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            OperationsLog.SessionCountFailed(_logger, ex.GetType().Name);
            return [];
        }

        return count is { } active ? [new Measurement<long>(active)] : [];
    }

    /// <summary>The number of sessions not expired now; null when the store cannot count them (<see cref="ICountsSessions"/>).</summary>
    public long? Count() =>
        _services.GetService<IUserSessionStore>() is ICountsSessions store ? store.CountActiveSessions(_time.GetUtcNow()) : null;
}
