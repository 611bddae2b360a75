using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OpenBff.Sessions;

/// <summary>
/// Ends expired sessions for good: revokes each one's refresh token at the provider (RFC 7009),
/// then deletes it from the store. A pass reads the expired sessions a batch at a time and ends
/// up to <c>Bff:Session:CleanupConcurrency</c> of them at once (each waits on the provider's
/// revocation endpoint, so one at a time capped the pass at one provider round trip per
/// session), until none is left: a backlog is drained in one pass, not 5,000 per interval.
/// </summary>
internal sealed class SessionCleanup
{
    private const int BatchSize = 100;

    /// <summary>
    /// The most sessions one pass ends (it bounds the keys a pass remembers, about 10 MB); the
    /// next pass goes on, at the next interval or at once when a pass outlasted it.
    /// </summary>
    internal const int MaxPerPass = 100_000;

    private readonly IUserSessionStore _store;
    private readonly SessionTerminator _terminator;
    private readonly TimeProvider _time;
    private readonly IOptions<BffOptions> _options;
    private readonly Diagnostics.BffInstruments _metrics;
    private readonly ILogger<SessionCleanup> _logger;

    public SessionCleanup(IUserSessionStore store, SessionTerminator terminator, TimeProvider time, IOptions<BffOptions> options, Diagnostics.BffInstruments metrics, ILogger<SessionCleanup> logger)
    {
        _metrics = metrics;
        _store = store;
        _terminator = terminator;
        _time = time;
        _options = options;
        _logger = logger;
    }

    /// <summary>Removes every session expired now (in bounded batches); returns how many.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = _options.Value.Session.CleanupConcurrency,
            CancellationToken = cancellationToken,
        };

        // Every key this pass ended: a store that returns a session it was told to delete (one of
        // an application's own, whose delete failed silently) makes no progress, and the pass
        // stops instead of revoking the same token again and again.
        var ended = new HashSet<string>(StringComparer.Ordinal);
        var removed = 0;
        try
        {
            while (ended.Count < MaxPerPass)
            {
                var expired = await _store.FindExpiredAsync(_time.GetUtcNow(), BatchSize, cancellationToken);
                var fresh = expired.Where(session => ended.Add(session.Key)).ToList();
                if (fresh.Count == 0)
                {
                    if (expired.Count > 0)
                    {
                        BffLog.ExpiredSessionsNotDeleted(_logger, expired.Count);
                    }

                    break;
                }

                await Parallel.ForEachAsync(fresh, parallel, async (session, token) =>
                {
                    await _terminator.EndAsync(session, BffSessionEndReason.Expired, token);
                    Interlocked.Increment(ref removed);
                });

                if (expired.Count < BatchSize)
                {
                    break;
                }
            }
        }
        finally
        {
            // Counted when a pass fails or is stopped too: the sessions it ended are gone.
            if (removed > 0)
            {
                _metrics.SessionsExpired(removed);
                BffLog.ExpiredSessionsRemoved(_logger, removed);
            }
        }

        return removed;
    }
}
