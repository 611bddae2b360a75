namespace OpenBff;

/// <summary>
/// What happens to sessions and tokens, for a host's audit log or integrations. Derive from it,
/// override what you need and register it: <c>services.AddSingleton&lt;BffEvents, AuditEvents&gt;()</c>
/// (after or instead of the default). Handlers run after the fact, outside the session's lock; one
/// that throws is logged (event 1018) and does not fail the login, refresh or logout. Events carry
/// the subject and session ids, never a token.
/// </summary>
public class BffEvents
{
    /// <summary>A login completed and its session was stored.</summary>
    public virtual Task SessionCreatedAsync(BffSessionCreated context, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A session's access token (main, or one API's) was refreshed with its refresh token.</summary>
    public virtual Task TokenRefreshedAsync(BffTokenRefreshed context, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>The provider refused a session's refresh token; the session ends (<see cref="SessionEndedAsync"/> follows).</summary>
    public virtual Task RefreshRefusedAsync(BffRefreshRefused context, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>A session ended, and why.</summary>
    public virtual Task SessionEndedAsync(BffSessionEnded context, CancellationToken cancellationToken) => Task.CompletedTask;
}
