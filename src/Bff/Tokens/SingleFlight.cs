using System.Collections.Concurrent;

namespace OpenBff.Tokens;

/// <summary>
/// Runs at most one operation per key at a time: callers that arrive while it runs share its
/// result instead of starting their own.
/// </summary>
internal sealed class SingleFlight<TResult>
{
    private readonly ConcurrentDictionary<string, Lazy<Task<TResult>>> _inFlight = new(StringComparer.Ordinal);

    public Task<TResult> RunAsync(string key, Func<Task<TResult>> operation)
    {
        Lazy<Task<TResult>>? mine = null;
        mine = new Lazy<Task<TResult>>(() => RunAndForgetAsync(key, operation, mine!), LazyThreadSafetyMode.ExecutionAndPublication);
        return _inFlight.GetOrAdd(key, mine).Value;
    }

    private async Task<TResult> RunAndForgetAsync(string key, Func<Task<TResult>> operation, Lazy<Task<TResult>> entry)
    {
        try
        {
            // Yield so the entry is published before the operation runs: later callers find it.
            await Task.Yield();
            return await operation();
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<string, Lazy<Task<TResult>>>(key, entry));
        }
    }
}
