using System.Security.Cryptography;
using StackExchange.Redis;

namespace OpenBff.Sessions;

/// <summary>
/// A Redis lock per session (<c>{prefix}lock:{key}</c>, <c>SET NX PX</c> with a random owner token,
/// released only by its owner), so instances sharing the Redis store refresh a session's tokens one
/// at a time and each re-reads the session after the other's refresh. The lock lives
/// <c>Bff:Tokens:RefreshTimeout</c> (at least 2 s) and its holder extends it while it works, so a
/// live refresh keeps it however long the provider takes, and the lock of an instance that died
/// mid-refresh expires within that time: the waiting instances then take it over (before, a fixed
/// 30 s lifetime made every instance answer 504 for that session for up to 30 s).
/// </summary>
internal sealed class RedisSessionLocks : ISessionLocks
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan MinLifetime = TimeSpan.FromSeconds(2);

    private readonly IConnectionMultiplexer _redis;
    private readonly string _prefix;
    private readonly TimeSpan _lifetime;
    private readonly LocalSessionLocks _local = new();

    public RedisSessionLocks(IConnectionMultiplexer redis, string prefix, TimeSpan lifetime)
    {
        _redis = redis;
        _prefix = prefix;
        _lifetime = lifetime > MinLifetime ? lifetime : MinLifetime;
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
            while (!await db.LockTakeAsync(key, owner, _lifetime))
            {
                if (Environment.TickCount64 > deadline)
                {
                    throw new TimeoutException("The session is locked by another instance's refresh that does not end.");
                }

                await Task.Delay(PollInterval, cancellationToken);
            }

            return new Holder(db, key, owner, _lifetime, local);
        }
        catch
        {
            await local.DisposeAsync();
            throw;
        }
    }

    /// <summary>Holds the lock: extends it every third of its lifetime until released.</summary>
    private sealed class Holder : IAsyncDisposable
    {
        private readonly IDatabase _db;
        private readonly RedisKey _key;
        private readonly RedisValue _owner;
        private readonly IAsyncDisposable _local;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _extending;

        public Holder(IDatabase db, RedisKey key, RedisValue owner, TimeSpan lifetime, IAsyncDisposable local)
        {
            _db = db;
            _key = key;
            _owner = owner;
            _local = local;
            _extending = ExtendAsync(lifetime, _stop.Token);
        }

        private async Task ExtendAsync(TimeSpan lifetime, CancellationToken stop)
        {
            try
            {
                while (true)
                {
                    await Task.Delay(lifetime / 3, stop);
                    if (!await _db.LockExtendAsync(_key, _owner, lifetime))
                    {
                        return; // lost (expired, or Redis lost it): nothing left to extend
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
            }
            catch (RedisException)
            {
                // Redis unreachable: the lock expires by itself; the refresh's own store write reports the outage.
            }
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                await _stop.CancelAsync();
                await _extending;
                await _db.LockReleaseAsync(_key, _owner);
            }
            finally
            {
                _stop.Dispose();
                await _local.DisposeAsync();
            }
        }
    }
}
