using System.Security.Cryptography;
using StackExchange.Redis;

namespace Bff.Sessions;

/// <summary>
/// A Redis lock per session (<c>{prefix}lock:{key}</c>, <c>SET NX PX</c> with a random owner token,
/// released only by its owner), so instances sharing the Redis store refresh a session's tokens one
/// at a time and each re-reads the session after the other's refresh. The lock expires by itself
/// if its holder dies.
/// </summary>
internal sealed class RedisSessionLocks : ISessionLocks
{
    private static readonly TimeSpan LockLifetime = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    private readonly IConnectionMultiplexer _redis;
    private readonly string _prefix;
    private readonly LocalSessionLocks _local = new();

    public RedisSessionLocks(IConnectionMultiplexer redis, string prefix)
    {
        _redis = redis;
        _prefix = prefix;
    }

    public async Task<IAsyncDisposable> AcquireAsync(string sessionKey, CancellationToken cancellationToken)
    {
        // Queue locally first: one Redis round trip per waiting instance, not per waiting request.
        var local = await _local.AcquireAsync(sessionKey, cancellationToken);
        try
        {
            var key = (RedisKey)$"{_prefix}lock:{sessionKey}";
            var owner = (RedisValue)Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
            var db = _redis.GetDatabase();
            var deadline = Environment.TickCount64 + (long)MaxWait.TotalMilliseconds;
            while (!await db.LockTakeAsync(key, owner, LockLifetime))
            {
                if (Environment.TickCount64 > deadline)
                {
                    throw new TimeoutException("The session is locked by another instance's refresh that does not end.");
                }

                await Task.Delay(PollInterval, cancellationToken);
            }

            return new Releaser(db, key, owner, local);
        }
        catch
        {
            await local.DisposeAsync();
            throw;
        }
    }

    private sealed class Releaser(IDatabase db, RedisKey key, RedisValue owner, IAsyncDisposable local) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await db.LockReleaseAsync(key, owner);
            }
            finally
            {
                await local.DisposeAsync();
            }
        }
    }
}
