using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenBff.Sessions;
using StackExchange.Redis;

namespace OpenBff.RealTime;

/// <summary>
/// With the Redis store, a session ended on another instance closes its connections here too.
/// Every write and delete of a session publishes its key on the store's invalidation channel
/// (<c>{Bff:Session:RedisKeyPrefix}invalidate</c>); for a key with connections open here, the
/// session is read again (<see cref="RealTimeSessionCheck"/>) and its connections closed when it is
/// gone. A message for any other key costs a dictionary lookup. Messages may be missed while the
/// connection is down: when it is restored, every session with connections here is read again.
/// </summary>
internal sealed class RedisRealTimeListener : IHostedService
{
    private readonly IServiceProvider _services;
    private readonly IOptions<BffOptions> _options;
    private readonly RealTimeConnections _connections;
    private readonly RealTimeSessionCheck _check;
    private readonly ILogger<RedisRealTimeListener> _logger;
    private IConnectionMultiplexer? _redis;
    private RedisChannel _channel;

    public RedisRealTimeListener(IServiceProvider services, IOptions<BffOptions> options, RealTimeConnections connections, RealTimeSessionCheck check, ILogger<RedisRealTimeListener> logger)
    {
        _services = services;
        _options = options;
        _connections = connections;
        _check = check;
        _logger = logger;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var session = _options.Value.Session;
        if (session.Store != SessionStoreKinds.Redis)
        {
            return Task.CompletedTask;
        }

        _redis = _services.GetRequiredService<IConnectionMultiplexer>();
        _channel = RedisUserSessionStore.InvalidationChannel(session.RedisKeyPrefix);
        _redis.ConnectionRestored += OnConnectionRestored;
        _ = SubscribeAsync(); // Redis may be down at start: the subscription is not awaited
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_redis is null)
        {
            return;
        }

        _redis.ConnectionRestored -= OnConnectionRestored;
        try
        {
            await _redis.GetSubscriber().UnsubscribeAsync(_channel, OnMessage);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            // stopping anyway
        }
    }

    private async Task SubscribeAsync()
    {
        try
        {
            await _redis!.GetSubscriber().SubscribeAsync(_channel, OnMessage);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException or ObjectDisposedException)
        {
            BffLog.RealTimeSubscriptionFailed(_logger, ex.GetType().Name);
        }
    }

    private void OnMessage(RedisChannel channel, RedisValue message)
    {
        var key = message.ToString();
        if (_connections.Find(key) is not null)
        {
            _ = CheckAsync(key);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType != ConnectionType.Subscription)
        {
            return;
        }

        _ = SubscribeAsync(); // StackExchange.Redis subscribes again itself; this covers a subscription that never succeeded
        foreach (var (key, _) in _connections.Sessions)
        {
            _ = CheckAsync(key);
        }
    }

    private async Task CheckAsync(string key)
    {
        try
        {
            await _check.CheckAsync(key, CancellationToken.None);
        }
        catch (Exception ex)
        {
            BffLog.RealTimeSessionCheckFailed(_logger, ex.GetType().Name, RealTimeExpirySweep.Interval);
        }
    }
}
