using OpenBff.Sessions;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Sessions;

/// <summary>
/// The SQLite store's replay cache (issue 17, item 4): its table of used identifiers is bounded as
/// the Memory store's is, however long the provider's logout tokens live, and still refuses the
/// replays it remembers.
/// </summary>
public sealed class SqliteReplayBoundTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TempDirectory _folder = new("bff-sqlite-replay");

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
    }

    [Fact]
    public async Task Used_ids_of_long_lived_tokens_are_kept_up_to_the_bound_the_oldest_making_room()
    {
        var store = new SqliteUserSessionStore(Path.Combine(_folder.Path, "sessions.db"), TimeProvider.System, maxUsedIds: 3);
        foreach (var id in new[] { "a", "b", "c", "d" })
        {
            Assert.True(await store.TryUseOnceAsync(id, Now.AddDays(30), Now, default));
        }

        Assert.False(await store.TryUseOnceAsync("d", Now.AddDays(30), Now, default)); // the latest are remembered
        Assert.False(await store.TryUseOnceAsync("c", Now.AddDays(30), Now, default));
        Assert.False(await store.TryUseOnceAsync("b", Now.AddDays(30), Now, default));
        Assert.True(await store.TryUseOnceAsync("a", Now.AddDays(30), Now, default)); // the oldest made room
        store.Dispose();
    }
}
