namespace Bff.Sessions;

/// <summary>
/// Striped async locks: one of a fixed set of semaphores per key, so read-modify-write updates
/// of one session never interleave, at a constant memory cost.
/// </summary>
internal sealed class KeyedLocks
{
    private const int Stripes = 256;
    private readonly SemaphoreSlim[] _stripes = Enumerable.Range(0, Stripes).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    public async Task<Releaser> AcquireAsync(string key, CancellationToken cancellationToken)
    {
        var stripe = _stripes[(int)((uint)StringComparer.Ordinal.GetHashCode(key) % Stripes)];
        await stripe.WaitAsync(cancellationToken);
        return new Releaser(stripe);
    }

    public readonly struct Releaser(SemaphoreSlim stripe) : IDisposable
    {
        public void Dispose() => stripe.Release();
    }
}
