using System.Net;
using OpenBff.Sessions;
using Bff.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Bff.Tests.Sessions;

/// <summary>
/// The SQLite store's disk fills up or turns read-only under a running BFF (a real tmpfs): a
/// refresh the provider already answered is never lost (the rotated refresh token is kept in
/// memory, used, and written when the disk takes it again), the BFF answers 503 where it cannot
/// work, readiness says the store refuses writes, and everything recovers without a restart. The
/// dev IdP runs without a reuse leeway here: a replayed refresh token would end the session.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class StoreRefusesWritesTests(IdpFixture env)
{
    private static readonly Action<Dictionary<string, string?>> Sqlite = s => s["Bff:Session:Store"] = "Sqlite";

    /// <summary>
    /// The same guarantee without a tmpfs mount, so that it runs everywhere (CI included): an
    /// application's store that refuses writes (<see cref="SessionStoreUnavailableException"/>) for a while.
    /// </summary>
    [Fact]
    public async Task A_refresh_the_store_refuses_to_write_keeps_the_rotated_token_uses_it_and_writes_it_when_the_store_is_back()
    {
        var store = new WriteRefusingStore();
        await using var bff = await env.StartBffAsync(services: s => s.AddSingleton<IUserSessionStore>(store));
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);

        store.Refuse = true;
        bff.Time.Advance(TimeSpan.FromMinutes(5)); // the access token expired: refreshed, and the write refused
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
        Assert.Single(bff.LogLines, l => l.Contains("[1013]", StringComparison.Ordinal));

        bff.Time.Advance(TimeSpan.FromMinutes(5)); // the next refresh uses the rotated token kept in memory, not the store's retired one
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
        var issued = IssuedTokens.From(env.Idp, bff.ClientId);
        var refreshes = env.Idp.Grants(bff.ClientId, "refresh_token").ToList();
        Assert.Equal(2, refreshes.Count);
        Assert.All(refreshes, r => Assert.Equal(200, r.Status));
        Assert.Equal(issued.RefreshTokens[1], refreshes[1].Field("refresh_token"));
        Assert.Equal($"Bearer {issued.AccessTokens[^1]}", env.Api.Recorder.To("/api/hello").Last().Header("Authorization"));

        store.Refuse = false;
        await EventuallyAsync(() => bff.LogLines.Any(l => l.Contains("[1014]", StringComparison.Ordinal)), () => bff.Time.Advance(UnsavedSessionWriter.Interval));
        var session = Assert.Single(await store.FindAsync(new UserSessionFilter { SubjectId = "alice" }, CancellationToken.None));
        var stored = await bff.Services.GetRequiredService<ServerSideTicketStore>().RetrieveFromStoreAsync(session.Key, CancellationToken.None);
        Assert.Equal(IssuedTokens.From(env.Idp, bff.ClientId).RefreshTokens[2], stored!.Properties.GetTokenValue("refresh_token")); // the newest, written
        Assert.True(store.Refused > 0);
    }

    [SkippableFact]
    public async Task A_refresh_on_a_full_disk_keeps_the_rotated_token_uses_it_and_writes_it_when_space_returns()
    {
        Skip.If(SmallDisk.Unavailable is not null, SmallDisk.Unavailable);
        await using var disk = await SmallDisk.MountAsync();
        var data = Path.Combine(disk.Path, "bff");
        using var browser = new TestBrowser();
        (string Id, string Secret) client;
        await using (var bff = await env.StartBffAsync(Sqlite, dataPath: data))
        {
            client = (bff.ClientId, bff.ClientSecret);
            await browser.LoginAsync(bff.Url);
            Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);

            await disk.FillAsync();
            bff.Time.Advance(TimeSpan.FromMinutes(5)); // the access token expired: refreshed, and the write refused
            Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
            Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
            Assert.Single(bff.LogLines, l => l.Contains("[1013]", StringComparison.Ordinal));

            bff.Time.Advance(TimeSpan.FromMinutes(5)); // the next refresh uses the rotated token kept in memory
            Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
            var issued = IssuedTokens.From(env.Idp, client.Id);
            var refreshes = env.Idp.Grants(client.Id, "refresh_token").ToList();
            Assert.Equal(2, refreshes.Count);
            Assert.All(refreshes, r => Assert.Equal(200, r.Status));
            Assert.Equal(issued.RefreshTokens[1], refreshes[1].Field("refresh_token"));
            Assert.Equal($"Bearer {issued.AccessTokens[^1]}", env.Api.Recorder.To("/api/hello").Last().Header("Authorization"));

            disk.Free();
            await EventuallyAsync(() => bff.LogLines.Any(l => l.Contains("[1014]", StringComparison.Ordinal)), () => bff.Time.Advance(UnsavedSessionWriter.Interval));
        }

        // A new process (nothing in memory): the session as the disk holds it now refreshes with the newest token.
        await using var restarted = await env.StartBffAsync(Sqlite, dataPath: data, client: client);
        restarted.Time.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{restarted.Url}/api/hello")).Status);
        var all = env.Idp.Grants(client.Id, "refresh_token").ToList();
        Assert.Equal(3, all.Count);
        Assert.All(all, r => Assert.Equal(200, r.Status));
        Assert.Equal(IssuedTokens.From(env.Idp, client.Id).RefreshTokens[2], all[2].Field("refresh_token"));
    }

    [SkippableFact]
    public async Task A_read_only_disk_answers_503_for_logins_and_silent_logins_reports_not_ready_keeps_sessions_in_use_and_recovers()
    {
        Skip.If(SmallDisk.Unavailable is not null, SmallDisk.Unavailable);
        await using var disk = await SmallDisk.MountAsync();
        var data = Path.Combine(disk.Path, "bff");
        await using var bff = await env.StartBffAsync(Sqlite, dataPath: data);
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        using var health = new TestBrowser();
        Assert.Equal(HttpStatusCode.OK, (await health.GetAsync($"{bff.Url}/health/ready")).Status);

        await disk.MakeReadOnlyAsync(data);
        SqliteConnection.ClearAllPools(); // the store's next connections open the database as the system has it now
        var ready = await health.GetAsync($"{bff.Url}/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
        Assert.Contains("refuses writes", ready.Body, StringComparison.Ordinal);

        using var stranger = new TestBrowser();
        var login = await stranger.GetAsync($"{bff.Url}/bff/login");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, login.Status); // before the provider's password page
        Assert.Null(login.Location);
        Assert.Equal("5", login.Header("Retry-After"));
        var silent = await stranger.GetAsync($"{bff.Url}/bff/silent-login");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, silent.Status); // no round trip to the provider for a session that could not be kept
        Assert.Null(silent.Location);

        bff.Time.Advance(TimeSpan.FromMinutes(5)); // the session in use still works, its refresh kept in memory
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
        Assert.DoesNotContain(bff.LogLines, l => l.Contains("An unhandled exception", StringComparison.Ordinal));

        await disk.MakeWritableAsync(data);
        SqliteConnection.ClearAllPools();
        Assert.Equal(HttpStatusCode.OK, (await health.GetAsync($"{bff.Url}/health/ready")).Status);
        await EventuallyAsync(() => bff.LogLines.Any(l => l.Contains("[1014]", StringComparison.Ordinal)), () => bff.Time.Advance(UnsavedSessionWriter.Interval));
        await stranger.LoginAsync(bff.Url);
        Assert.Equal(HttpStatusCode.OK, (await stranger.ApiAsync($"{bff.Url}/bff/user")).Status);
    }

    /// <summary>Polls (real time, 20 s at most) until <paramref name="done"/>, running <paramref name="step"/> between tries.</summary>
    private static async Task EventuallyAsync(Func<bool> done, Action step)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, "gave up waiting");
            step();
            await Task.Delay(50);
        }
    }

    /// <summary>An application's store that refuses every write while <see cref="Refuse"/> is set, as one whose database is down.</summary>
    private sealed class WriteRefusingStore : DelegatingSessionStore
    {
        private int _refused;
        private volatile bool _refuse;

        public bool Refuse
        {
            get => _refuse;
            set => _refuse = value;
        }

        public int Refused => Volatile.Read(ref _refused);

        public override Task SetAsync(UserSession session, CancellationToken cancellationToken)
        {
            if (Refuse)
            {
                Interlocked.Increment(ref _refused);
                throw new SessionStoreUnavailableException("The test's store refuses writes.");
            }

            return base.SetAsync(session, cancellationToken);
        }
    }
}
