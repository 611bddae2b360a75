using OpenBff.Sessions;
using Bff.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Bff.Tests.Sessions;

/// <summary>The session-store contract, for the memory store.</summary>
public sealed class MemorySessionStoreContractTests : SessionStoreContract
{
    protected override Task<(IUserSessionStore Store, IUserSessionStore? SecondInstance)> CreateAsync() =>
        Task.FromResult<(IUserSessionStore, IUserSessionStore?)>((new InMemoryUserSessionStore(), null));
}

/// <summary>
/// The session-store contract, for the SQLite store: one instance per data folder (it keeps read
/// sessions in memory, README), so no second instance; a restart on the same file.
/// </summary>
public sealed class SqliteSessionStoreContractTests : SessionStoreContract
{
    private readonly TempDirectory _folder = new("bff-store-contract");

    protected override Task<(IUserSessionStore Store, IUserSessionStore? SecondInstance)> CreateAsync()
    {
        return Task.FromResult<(IUserSessionStore, IUserSessionStore?)>((new SqliteUserSessionStore(Path.Combine(_folder.Path, "sessions.db"), TimeProvider.System), null));
    }

    protected override Task<IUserSessionStore?> RestartAsync(IUserSessionStore store)
    {
        ((IDisposable)store).Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return Task.FromResult<IUserSessionStore?>(new SqliteUserSessionStore(Path.Combine(_folder.Path, "sessions.db"), TimeProvider.System));
    }

    protected override Task CleanUpAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>The session-store contract, for the Redis store (two instances on one real redis-server, each with its local cache on).</summary>
public sealed class RedisSessionStoreContractTests : SessionStoreContract
{
    private RedisServer? _redis;
    private readonly List<ConnectionMultiplexer> _connections = [];

    protected override async Task<(IUserSessionStore Store, IUserSessionStore? SecondInstance)> CreateAsync()
    {
        _redis = await RedisServer.StartAsync();
        return (await CreateStoreAsync(), await CreateStoreAsync());
    }

    protected override async Task<IUserSessionStore?> RestartAsync(IUserSessionStore store)
    {
        ((IDisposable)store).Dispose();
        return await CreateStoreAsync(); // the data is in redis-server, which keeps running
    }

    private async Task<IUserSessionStore> CreateStoreAsync()
    {
        var connection = await _redis!.ConnectAsync();
        _connections.Add(connection);
        return new RedisUserSessionStore(connection, "bff:", TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(5), TimeProvider.System, NullLogger<RedisUserSessionStore>.Instance);
    }

    protected override async Task CleanUpAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }
}
