namespace Bff.Sessions;

/// <summary>
/// Striped in-process locks: one of a fixed set of semaphores per session key, at a constant
/// memory cost.
/// </summary>
internal sealed class LocalSessionLocks : ISessionLocks
{
    private const int Stripes = 256;
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public async Task<IAsyncDisposable> AcquireAsync(string sessionKey, CancellationToken cancellationToken)
    {
        var stripe = _stripes[(int)((uint)StringComparer.Ordinal.GetHashCode(sessionKey) % Stripes)];
        if (!await stripe.WaitAsync(MaxWait, cancellationToken))
        {
            throw new TimeoutException("The session is locked by a refresh that does not end.");
        }

        return new Releaser(stripe);
    }

    private sealed class Releaser(SemaphoreSlim stripe) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                stripe.Release();
            }

            return ValueTask.CompletedTask;
        }
    }
}
