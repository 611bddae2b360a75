using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OpenBff.Sessions;

/// <summary>
/// Writes the sessions the store refused (<see cref="UnsavedSessions"/>) every <see cref="Interval"/>
/// until it takes them, and once more when the host stops; what still cannot be written then is
/// logged as lost (event 1017).
/// </summary>
internal sealed class UnsavedSessionWriter(
    ServerSideTicketStore tickets,
    UnsavedSessions unsaved,
    TimeProvider time,
    ILogger<UnsavedSessionWriter> logger) : BackgroundService
{
    /// <summary>How often refused sessions are written again.</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await WriteAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (unsaved.Count > 0 && await WriteAsync(cancellationToken) is > 0 and var lost)
        {
            BffLog.UnsavedSessionsLostAtShutdown(logger, lost);
        }
    }

    private async Task<int> WriteAsync(CancellationToken cancellationToken)
    {
        if (unsaved.Count == 0)
        {
            return 0;
        }

        try
        {
            return await tickets.WriteUnsavedAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            BffLog.UnsavedSessionsWriteFailed(logger, ex.GetType().Name, Interval); // e.g. the Redis lock unreachable
            return unsaved.Count;
        }
        catch (OperationCanceledException)
        {
            return unsaved.Count;
        }
    }
}
