using OpenBff.Sessions;
using Bff.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace Bff.Tests.Sessions;

/// <summary>
/// The Redis store's indexes leave by themselves (issue 17, item 4): a <c>sub:</c> or <c>sid:</c>
/// set lives as long as its longest session's data, and the expiry index drops sessions whose data
/// Redis already dropped on every write, so neither grows for ever when the cleanup is off
/// (<c>Bff:Session:CleanupInterval</c> 0).
/// </summary>
public sealed class RedisIndexLifetimeTests : IAsyncLifetime
{
    private static readonly TimeSpan Grace = TimeSpan.FromDays(1); // the store's: session data lives this long past its expiry
    private RedisServer _redis = null!;
    private ConnectionMultiplexer _connection = null!;
    private RedisUserSessionStore _store = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _connection = await _redis.ConnectAsync();
        _store = new RedisUserSessionStore(_connection, "bff:", TimeSpan.Zero, TimeSpan.Zero, TimeProvider.System, NullLogger<RedisUserSessionStore>.Instance);
    }

    public async Task DisposeAsync()
    {
        _store.Dispose();
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task A_subject_index_lives_as_long_as_its_longest_session()
    {
        var db = _connection.GetDatabase();
        await _store.SetAsync(Session("one", "alice", "sid-1", TimeSpan.FromHours(1)), default);
        AssertAbout(TimeSpan.FromHours(1) + Grace, await db.KeyTimeToLiveAsync("bff:sub:alice"));
        AssertAbout(TimeSpan.FromHours(1) + Grace, await db.KeyTimeToLiveAsync("bff:sid:sid-1"));

        await _store.SetAsync(Session("two", "alice", "sid-2", TimeSpan.FromHours(3)), default);
        AssertAbout(TimeSpan.FromHours(3) + Grace, await db.KeyTimeToLiveAsync("bff:sub:alice"));

        await _store.SetAsync(Session("three", "alice", "sid-3", TimeSpan.FromMinutes(10)), default);
        AssertAbout(TimeSpan.FromHours(3) + Grace, await db.KeyTimeToLiveAsync("bff:sub:alice")); // never shortened
    }

    [Fact]
    public async Task The_index_of_a_session_without_expiry_never_expires()
    {
        var db = _connection.GetDatabase();
        await _store.SetAsync(Session("one", "bob", "sid-1", TimeSpan.FromHours(1)), default);
        await _store.SetAsync(Session("two", "bob", "sid-2", expiresIn: null), default);

        Assert.Null(await db.KeyTimeToLiveAsync("bff:sub:bob"));
        Assert.True(await db.KeyExistsAsync("bff:sub:bob"));
    }

    [Fact]
    public async Task A_write_drops_expiry_index_entries_whose_session_data_is_gone()
    {
        var db = _connection.GetDatabase();
        await db.SortedSetAddAsync("bff:exp", "long-gone", (DateTimeOffset.UtcNow - Grace - TimeSpan.FromMinutes(1)).ToUnixTimeMilliseconds());
        await db.SortedSetAddAsync("bff:exp", "in-grace", (DateTimeOffset.UtcNow - Grace + TimeSpan.FromMinutes(1)).ToUnixTimeMilliseconds());

        await _store.SetAsync(Session("fresh", "carol", "sid-1", TimeSpan.FromHours(1)), default);

        Assert.Null(await db.SortedSetScoreAsync("bff:exp", "long-gone"));
        Assert.NotNull(await db.SortedSetScoreAsync("bff:exp", "in-grace")); // the cleanup can still revoke its refresh token
        Assert.NotNull(await db.SortedSetScoreAsync("bff:exp", "fresh"));
    }

    private static void AssertAbout(TimeSpan expected, TimeSpan? actual)
    {
        Assert.NotNull(actual);
        Assert.InRange(actual.Value, expected - TimeSpan.FromMinutes(1), expected);
    }

    private static UserSession Session(string key, string sub, string sid, TimeSpan? expiresIn) => new()
    {
        Key = key,
        SubjectId = sub,
        SessionId = sid,
        Created = DateTimeOffset.UtcNow,
        Renewed = DateTimeOffset.UtcNow,
        Expires = DateTimeOffset.UtcNow + expiresIn,
        Ticket = [1, 2, 3],
    };
}
