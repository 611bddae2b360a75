using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OpenBff.RealTime;

/// <summary>
/// Every <see cref="Interval"/>, checks the sessions with open connections whose expiry (idle or
/// absolute, as last read) has come: a session's expiry has no event, and its connections must not
/// outlive it. Costs a comparison per such session until one is due, then one store read.
/// </summary>
internal sealed class RealTimeExpirySweep : BackgroundService
{
    /// <summary>How late after its expiry a session's connections may close.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly RealTimeSessionCheck _check;
    private readonly TimeProvider _time;
    private readonly ILogger<RealTimeExpirySweep> _logger;

    public RealTimeExpirySweep(RealTimeSessionCheck check, TimeProvider time, ILogger<RealTimeExpirySweep> logger)
    {
        _check = check;
        _time = time;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await _check.CheckDueAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    BffLog.RealTimeSessionCheckFailed(_logger, ex.GetType().Name, Interval);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
