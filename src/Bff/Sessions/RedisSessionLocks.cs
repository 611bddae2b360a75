using Medallion.Threading;
using Medallion.Threading.Redis;
using StackExchange.Redis;

namespace OpenBff.Sessions;

/// <summary>
/// A Redis lock per session (<c>{prefix}lock:{key}</c>), so instances sharing the Redis store
/// refresh a session's tokens one at a time and each re-reads the session after the other's
/// refresh. The lock is DistributedLock.Redis's (<c>SET NX PX</c> with a random owner token; the
/// holder extends it, and releases it only if it still owns it, each with one Lua script); this
/// class adds what the BFF needs around it:
/// <list type="bullet">
/// <item>a local queue first, so a session's waiting requests cost one Redis poller per instance,
/// not one per request;</item>
/// <item>a lifetime of <c>Bff:Tokens:RefreshTimeout</c> (at least 2 s), extended every third of it
/// while the refresh runs, so a live refresh keeps it however long the provider takes and the lock
/// of an instance that died mid-refresh is free again within that time;</item>
/// <item>a try every 20 ms, for at most 30 s, then <see cref="TimeoutException"/>;</item>
/// <item>Redis not connected: <see cref="SessionStoreUnavailableException"/> at once (503 with
/// <c>Retry-After</c>), instead of trying for 30 s against a connection that queues every
/// command.</item>
/// </list>
/// Chosen over the hand-written lock it replaced by measurement: docs/architecture.md, "Libraries
/// considered".
/// </summary>
internal sealed class RedisSessionLocks : ISessionLocks
{
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan MinLifetime = TimeSpan.FromSeconds(2);

    private readonly IConnectionMultiplexer _redis;
    private readonly string _prefix;
    private readonly Action<RedisDistributedSynchronizationOptionsBuilder> _options;
    private readonly LocalSessionLocks _local = new();

    public RedisSessionLocks(IConnectionMultiplexer redis, string prefix, TimeSpan lifetime)
    {
        _redis = redis;
        _prefix = prefix;
        var expiry = lifetime > MinLifetime ? lifetime : MinLifetime;
        _options = options => options.Expiry(expiry).ExtensionCadence(expiry / 3).BusyWaitSleepTime(PollInterval, PollInterval);
    }

    public async Task<IAsyncDisposable> AcquireAsync(string sessionKey, CancellationToken cancellationToken)
    {
        var local = await _local.AcquireAsync(sessionKey, cancellationToken);
        try
        {
            if (!_redis.IsConnected)
            {
                throw new SessionStoreUnavailableException("Redis is not connected: the session's lock cannot be taken.");
            }

            var redisLock = new RedisDistributedLock($"{_prefix}lock:{sessionKey}", _redis.GetDatabase(), _options);
            return new Holder(await redisLock.AcquireAsync(MaxWait, cancellationToken), local);
        }
        catch
        {
            await local.DisposeAsync();
            throw;
        }
    }

    /// <summary>Holds both locks: releases Redis's (which stops its extension), then the local one.</summary>
    private sealed class Holder(IDistributedSynchronizationHandle redis, IAsyncDisposable local) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await redis.DisposeAsync();
            }
            finally
            {
                await local.DisposeAsync();
            }
        }
    }
}
