using OpenBff.Sessions;

namespace Bff.Tests.Infrastructure;

/// <summary>
/// An application's own session store, as a test needs one: the in-memory store underneath, each
/// method overridable (a store that counts its deletes, or whose delete fails silently).
/// </summary>
internal class DelegatingSessionStore : IUserSessionStore
{
    protected InMemoryUserSessionStore Inner { get; } = new();

    public virtual Task<UserSession?> GetAsync(string key, CancellationToken cancellationToken) => Inner.GetAsync(key, cancellationToken);

    public virtual Task SetAsync(UserSession session, CancellationToken cancellationToken) => Inner.SetAsync(session, cancellationToken);

    public virtual Task DeleteAsync(string key, CancellationToken cancellationToken) => Inner.DeleteAsync(key, cancellationToken);

    public virtual Task<IReadOnlyList<UserSession>> FindAsync(UserSessionFilter filter, CancellationToken cancellationToken) => Inner.FindAsync(filter, cancellationToken);

    public virtual Task<int> DeleteAsync(UserSessionFilter filter, CancellationToken cancellationToken) => Inner.DeleteAsync(filter, cancellationToken);

    public virtual Task<IReadOnlyList<UserSession>> FindExpiredAsync(DateTimeOffset now, int max, CancellationToken cancellationToken) => Inner.FindExpiredAsync(now, max, cancellationToken);
}
