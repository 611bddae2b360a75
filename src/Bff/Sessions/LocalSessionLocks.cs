namespace OpenBff.Sessions;

/// <summary>
/// Striped in-process locks: one of a fixed set of semaphores per session key, at a constant
/// memory cost. A waiter gives up after 30 s on the application's clock (<see cref="TimeProvider"/>).
/// </summary>
internal sealed class LocalSessionLocks : ISessionLocks
{
    private const int Stripes = 256;
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1)).ToArray();
    private readonly TimeProvider _time;

    public LocalSessionLocks(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    public async Task<IAsyncDisposable> AcquireAsync(string sessionKey, CancellationToken cancellationToken)
    {
        var stripe = _stripes[(int)((uint)StringComparer.Ordinal.GetHashCode(sessionKey) % Stripes)];
        if (stripe.Wait(0, CancellationToken.None))
        {
            return new Releaser(stripe); // not held: no timer
        }

        using var timeout = new CancellationTokenSource(MaxWait, _time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken);
        try
        {
            await stripe.WaitAsync(either.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
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
