using Microsoft.Extensions.Logging;

namespace OpenBff.Sessions;

/// <summary>
/// Ends expired sessions for good: revokes each one's refresh token at the provider (RFC 7009),
/// then deletes it from the store.
/// </summary>
internal sealed class SessionCleanup
{
    private const int BatchSize = 100;
    private const int MaxBatchesPerRun = 50;

    private readonly IUserSessionStore _store;
    private readonly SessionTerminator _terminator;
    private readonly TimeProvider _time;
    private readonly Diagnostics.BffInstruments _metrics;
    private readonly ILogger<SessionCleanup> _logger;

    public SessionCleanup(IUserSessionStore store, SessionTerminator terminator, TimeProvider time, Diagnostics.BffInstruments metrics, ILogger<SessionCleanup> logger)
    {
        _metrics = metrics;
        _store = store;
        _terminator = terminator;
        _time = time;
        _logger = logger;
    }

    /// <summary>Removes every session expired now (in bounded batches); returns how many.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var removed = 0;
        for (var batch = 0; batch < MaxBatchesPerRun; batch++)
        {
            var expired = await _store.FindExpiredAsync(_time.GetUtcNow(), BatchSize, cancellationToken);
            foreach (var session in expired)
            {
                await _terminator.EndAsync(session, BffSessionEndReason.Expired, cancellationToken);
                removed++;
            }

            if (expired.Count < BatchSize)
            {
                break;
            }
        }

        if (removed > 0)
        {
            _metrics.SessionsExpired(removed);
            BffLog.ExpiredSessionsRemoved(_logger, removed);
        }

        return removed;
    }
}
