using OpenBff.Proxy;
using OpenBff.Sessions;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds optional BFF features; returned by <see cref="BffServiceCollectionExtensions.AddBff"/>.</summary>
public sealed class BffBuilder
{
    internal BffBuilder(IServiceCollection services) => Services = services;

    /// <summary>The application's services.</summary>
    public IServiceCollection Services { get; }

    /// <summary>
    /// Keeps sessions server-side in the store <c>Bff:Session:Store</c> names (<c>Sqlite</c> by
    /// default, under <c>Bff:DataPath</c>). A store registered before this call is kept.
    /// </summary>
    public BffBuilder AddServerSideSessions()
    {
        Services.TryAddSingleton<IConnectionMultiplexer>(static services =>
        {
            var session = services.GetRequiredService<IOptions<OpenBff.BffOptions>>().Value.Session;
            return ConnectionMultiplexer.Connect(RedisConnection.Parse(session.Redis!));
        });
        Services.TryAddSingleton<IUserSessionStore>(static services =>
        {
            var options = services.GetRequiredService<IOptions<OpenBff.BffOptions>>().Value;
            return options.Session.Store switch
            {
                OpenBff.SessionStoreKinds.Memory => new InMemoryUserSessionStore(),
                OpenBff.SessionStoreKinds.Redis => new RedisUserSessionStore(
                    services.GetRequiredService<IConnectionMultiplexer>(),
                    options.Session.RedisKeyPrefix,
                    options.Session.RedisLocalCacheLifetime,
                    options.Session.RedisOutageLifetime,
                    services.GetRequiredService<TimeProvider>(),
                    services.GetRequiredService<Microsoft.Extensions.Logging.ILogger<RedisUserSessionStore>>(),
                    services.GetRequiredService<OpenBff.SessionCache.SessionCacheOptions>()),
                _ => new SqliteUserSessionStore(Path.Combine(options.ResolveDataPath(), "sessions.db"), services.GetRequiredService<TimeProvider>(), services.GetRequiredService<OpenBff.SessionCache.SessionCacheOptions>()),
            };
        });
        // The store's capabilities decide, never its type: a store with its own locks or replay
        // cache (ISessionLocks, IReplayCache) gets them used; otherwise the Redis store's shared
        // locks, or in-process ones.
        Services.TryAddSingleton<ISessionLocks>(static services =>
        {
            if (services.GetRequiredService<IUserSessionStore>() is ISessionLocks own)
            {
                return own;
            }

            var options = services.GetRequiredService<IOptions<OpenBff.BffOptions>>().Value;
            return options.Session.Store == OpenBff.SessionStoreKinds.Redis
                ? new RedisSessionLocks(services.GetRequiredService<IConnectionMultiplexer>(), options.Session.RedisKeyPrefix, options.Tokens.RefreshTimeout)
                : new LocalSessionLocks(services.GetRequiredService<TimeProvider>());
        });
        Services.TryAddSingleton<IReplayCache>(static services =>
            services.GetRequiredService<IUserSessionStore>() as IReplayCache ?? new InMemoryReplayCache());
        Services.TryAddSingleton<SessionCleanup>();
        Services.AddHostedService<SessionCleanupService>();
        return this;
    }

    /// <summary>
    /// Adds what <c>MapRemoteBffApiEndpoint</c> needs (an HTTP forwarder). The YARP integration
    /// (each route's <c>Bff.TokenType</c> / <c>Bff.AntiForgery</c> metadata validated at load,
    /// browser credentials stripped, the route's access token attached) comes with <c>AddBff()</c>.
    /// </summary>
    public BffBuilder AddRemoteApis()
    {
        Services.AddHttpForwarder(); // MapRemoteBffApiEndpoint
        Services.TryAddSingleton<RemoteApiForwarder>();
        return this;
    }
}
