using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OpenBff.Sessions;

/// <summary>Runs <see cref="SessionCleanup"/> every <c>Bff:Session:CleanupInterval</c>.</summary>
internal sealed class SessionCleanupService : BackgroundService
{
    private readonly SessionCleanup _cleanup;
    private readonly IOptions<BffOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SessionCleanupService> _logger;

    public SessionCleanupService(SessionCleanup cleanup, IOptions<BffOptions> options, TimeProvider time, ILogger<SessionCleanupService> logger)
    {
        _cleanup = cleanup;
        _options = options;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = _options.Value.Session.CleanupInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await _cleanup.RunOnceAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    BffLog.SessionCleanupFailed(_logger, ex.GetType().Name);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
