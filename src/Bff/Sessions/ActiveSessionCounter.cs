using System.Diagnostics.Metrics;
using OpenBff.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace OpenBff.Sessions;

/// <summary>
/// Counts the sessions that have not expired, for the <see cref="BffMetrics.ActiveSessions"/> gauge (<see cref="Diagnostics.IActiveSessionSource"/>),
/// with one query to a store that can count (<see cref="ICountsSessions"/>): <c>COUNT(*)</c>
/// on SQLite, <c>ZCOUNT</c> on the Redis expiry index, a pass over the in-memory dictionary. The
/// SQLite and Redis counts are those of the shared store, the same on every instance. A store that
/// cannot count is not counted (the gauge reports nothing).
/// <para>
/// The gauge reports a cached count: the query took 197 ms with a million sessions in SQLite, and a
/// metrics collection (every scrape, on every instance) must not wait for it. A collection never
/// queries the store; it reports the last count and, when that count was started
/// <see cref="RefreshInterval"/> ago or more, starts one recount in the background, whose result
/// the next collection reports. So the gauge lags the store by up to the refresh interval plus the
/// exporter's collection interval, and reports nothing until the first count has completed. A
/// failed count is logged and the previous count kept, but never one started more than
/// <see cref="MaxAge"/> ago (two recounts failed, or one hangs): then the gauge reports nothing,
/// as it always did for a store it cannot count.
/// </para>
/// </summary>
internal sealed class ActiveSessionCounter : Diagnostics.IActiveSessionSource
{
    /// <summary>A collection starts a recount when the last count was started this long ago or more.</summary>
    internal static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(30);

    /// <summary>A count started longer ago than this is no longer reported.</summary>
    internal static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(90);

    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly ILogger<ActiveSessionCounter> _logger;
    private volatile Counted? _last;
    private volatile Task _recount = Task.CompletedTask;
    private DateTimeOffset _lastStarted = DateTimeOffset.MinValue; // written only by the holder of _counting
    private int _counting;

    public ActiveSessionCounter(IServiceProvider services, TimeProvider time, ILogger<ActiveSessionCounter> logger)
    {
        _services = services;
        _time = time;
        _logger = logger;
    }

    /// <summary>The recount in progress, or the last one (for tests and the benchmark to wait on).</summary>
    internal Task Recounting => _recount;

    /// <summary>
    /// The gauge's callback: the last count, or none when there is no recent one; never a query to
    /// the store (see the class).
    /// </summary>
    public IEnumerable<Measurement<long>> Observe()
    {
        if (Store() is not { } store)
        {
            return [];
        }

        var now = _time.GetUtcNow();
        RecountIfDue(store, now);
        return _last is { } last && now - last.Started <= MaxAge ? [new Measurement<long>(last.Value)] : [];
    }

    /// <summary>
    /// The number of sessions not expired now, counted by the store on the caller's thread (an
    /// explicit request, e.g. the benchmark's, not the gauge's cached value); null when the store
    /// cannot count them (<see cref="ICountsSessions"/>).
    /// </summary>
    public long? Count() => Store()?.CountActiveSessions(_time.GetUtcNow());

    private ICountsSessions? Store() => _services.GetService<IUserSessionStore>() as ICountsSessions;

    private void RecountIfDue(ICountsSessions store, DateTimeOffset now)
    {
        if (Interlocked.CompareExchange(ref _counting, 1, 0) != 0)
        {
            return; // one recount at a time
        }

        if (now - _lastStarted < RefreshInterval)
        {
            Volatile.Write(ref _counting, 0);
            return;
        }

        _lastStarted = now;
        var recount = new Task(() => Recount(store, now));
        _recount = recount; // before it runs: it ends by letting the next recount start
        recount.Start(TaskScheduler.Default);
    }

    private void Recount(ICountsSessions store, DateTimeOffset now)
    {
        try
        {
            _last = new Counted(store.CountActiveSessions(now), now);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            OperationsLog.SessionCountFailed(_logger, ex.GetType().Name, MaxAge);
        }
        finally
        {
            Volatile.Write(ref _counting, 0);
        }
    }

    private sealed record Counted(long Value, DateTimeOffset Started);
}
