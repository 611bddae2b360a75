using Microsoft.Extensions.Logging;

namespace OpenBff.Events;

/// <summary>Runs the host's <see cref="BffEvents"/> handlers; a handler that throws is logged, never the caller's failure.</summary>
internal sealed class BffEventRaiser(BffEvents events, ILogger<BffEventRaiser> logger)
{
    public Task SessionCreatedAsync(BffSessionCreated context, CancellationToken cancellationToken) =>
        RunAsync(nameof(BffEvents.SessionCreatedAsync), () => events.SessionCreatedAsync(context, cancellationToken));

    public Task TokenRefreshedAsync(BffTokenRefreshed context, CancellationToken cancellationToken) =>
        RunAsync(nameof(BffEvents.TokenRefreshedAsync), () => events.TokenRefreshedAsync(context, cancellationToken));

    public Task RefreshRefusedAsync(BffRefreshRefused context, CancellationToken cancellationToken) =>
        RunAsync(nameof(BffEvents.RefreshRefusedAsync), () => events.RefreshRefusedAsync(context, cancellationToken));

    public Task SessionEndedAsync(BffSessionEnded context, CancellationToken cancellationToken) =>
        RunAsync(nameof(BffEvents.SessionEndedAsync), () => events.SessionEndedAsync(context, cancellationToken));

    private async Task RunAsync(string name, Func<Task> handler)
    {
        if (events.GetType() == typeof(BffEvents))
        {
            return; // the default does nothing
        }

        try
        {
            await handler();
        }
        catch (Exception ex)
        {
            BffLog.EventHandlerFailed(logger, events.GetType().Name, name, ex);
        }
    }
}
