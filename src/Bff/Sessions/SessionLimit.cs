using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OpenBff.Sessions;

/// <summary>
/// <c>Bff:Session:MaxPerUser</c>: a user's sessions are bounded, so a script logging in again and
/// again (or a leaked password) cannot pile up live refresh tokens. A login that would exceed the
/// limit first ends the user's oldest sessions, each refresh token revoked.
/// </summary>
internal sealed class SessionLimit
{
    private readonly IUserSessionStore _store;
    private readonly SessionTerminator _terminator;
    private readonly IOptionsMonitor<BffOptions> _options;
    private readonly Diagnostics.BffInstruments _metrics;
    private readonly ILogger<SessionLimit> _logger;

    public SessionLimit(IUserSessionStore store, SessionTerminator terminator, IOptionsMonitor<BffOptions> options, Diagnostics.BffInstruments metrics, ILogger<SessionLimit> logger)
    {
        _metrics = metrics;
        _store = store;
        _terminator = terminator;
        _options = options;
        _logger = logger;
    }

    /// <summary>Before a new session of <paramref name="subject"/> is stored: makes room for it.</summary>
    public async Task MakeRoomAsync(string? subject, CancellationToken cancellationToken)
    {
        var max = _options.CurrentValue.Session.MaxPerUser;
        if (max <= 0 || string.IsNullOrEmpty(subject))
        {
            return;
        }

        var sessions = await _store.FindAsync(new UserSessionFilter { SubjectId = subject }, cancellationToken);
        var excess = sessions.Count - (max - 1);
        if (excess <= 0)
        {
            return;
        }

        foreach (var oldest in sessions.OrderBy(s => s.Created).Take(excess))
        {
            await _terminator.EndAsync(oldest, BffSessionEndReason.OverLimit, cancellationToken);
            _metrics.SessionOverLimit();
            BffLog.SessionEnded(_logger, subject, $"the user has more than Bff:Session:MaxPerUser ({max}) sessions; the oldest ends");
        }
    }
}
