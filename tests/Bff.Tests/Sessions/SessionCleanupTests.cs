using System.Net;
using OpenBff.Sessions;
using Bff.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bff.Tests.Sessions;

[Collection(SerialCollection.Name)]
public sealed class SessionCleanupTests(IdpFixture env)
{
    [Theory]
    [InlineData("Memory")]
    [InlineData("Sqlite")]
    public async Task Cleanup_deletes_expired_sessions_and_revokes_their_refresh_tokens(string store)
    {
        await using var bff = await env.StartBffAsync(s =>
        {
            s["Bff:Session:Store"] = store;
            s["Bff:Session:CleanupInterval"] = "00:00:00"; // run by the test, not by the timer
        });
        using var expiring = new TestBrowser();
        using var active = new TestBrowser();
        await expiring.LoginAsync(bff.Url, "alice", "alice");
        var refreshToken = IssuedTokens.From(env.Idp, bff.ClientId).RefreshTokens.Single();
        bff.Time.Advance(TimeSpan.FromHours(7));
        await active.LoginAsync(bff.Url, "bob", "bob");
        bff.Time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1)); // alice idle 8h+1s, bob 1h

        using var meters = new Diagnostics.BffMeters(bff);
        var removed = await bff.Services.GetRequiredService<SessionCleanup>().RunOnceAsync(CancellationToken.None);

        Assert.Equal(1, removed);
        var expired = Assert.Single(meters.Logouts.GetMeasurementSnapshot());
        Assert.Equal(1, expired.Value);
        Assert.Equal("expired", expired.Tags["kind"]);
        var revocation = Assert.Single(env.Idp.Recorder.To("/connect/revoke"), r => r.Field("token") == refreshToken);
        Assert.Equal(200, revocation.Status);
        Assert.Empty(await bff.Services.GetRequiredService<IUserSessionStore>().FindAsync(new UserSessionFilter { SubjectId = "alice" }, CancellationToken.None));
        Assert.Equal(HttpStatusCode.OK, (await active.ApiAsync($"{bff.Url}/bff/user")).Status);
    }

    [Fact]
    public async Task Cleanup_runs_by_itself_every_interval()
    {
        await using var bff = await env.StartBffAsync(s => s["Bff:Session:CleanupInterval"] = "00:10:00");
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var refreshToken = IssuedTokens.From(env.Idp, bff.ClientId).RefreshTokens.Single();

        // Eight hours and a bit in ten-minute steps: the timer fires at each step, the last one finds the session expired.
        for (var i = 0; i < 49; i++)
        {
            bff.Time.Advance(TimeSpan.FromMinutes(10));
        }

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!env.Idp.Recorder.To("/connect/revoke").Any(r => r.Field("token") == refreshToken) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50); // the cleanup runs on the timer's thread: wait for its effect
        }

        Assert.Contains(env.Idp.Recorder.To("/connect/revoke"), r => r.Field("token") == refreshToken && r.Status == 200);
        Assert.Empty(await bff.Services.GetRequiredService<IUserSessionStore>().FindAsync(new UserSessionFilter { SubjectId = "alice" }, CancellationToken.None));
    }

    [Fact]
    public async Task Cleanup_revokes_up_to_CleanupConcurrency_refresh_tokens_at_once_never_more()
    {
        await using var bff = await env.StartBffAsync(s =>
        {
            s["Bff:Session:Store"] = "Memory";
            s["Bff:Session:CleanupInterval"] = "00:00:00";
            s["Bff:Session:CleanupConcurrency"] = "3";
        });
        var browsers = Enumerable.Range(0, 7).Select(_ => new TestBrowser()).ToList();
        try
        {
            foreach (var browser in browsers)
            {
                await browser.LoginAsync(bff.Url);
            }

            var refreshTokens = IssuedTokens.From(env.Idp, bff.ClientId).RefreshTokens.ToHashSet();
            Assert.Equal(7, refreshTokens.Count);
            bff.Time.Advance(TimeSpan.FromHours(8) + TimeSpan.FromSeconds(1));

            env.Idp.Recorder.HoldPathPrefix = "/connect/revoke"; // a slow provider: each revocation waits for the test
            var pass = bff.Services.GetRequiredService<SessionCleanup>().RunOnceAsync(CancellationToken.None);
            await WaitUntilAsync(() => env.Idp.Recorder.Held == 3, "three revocations in flight");
            await Task.Delay(300); // room for a fourth, which must not come while three are held
            Assert.Equal(3, env.Idp.Recorder.Held);

            var mostHeld = 3;
            while (!pass.IsCompleted)
            {
                mostHeld = Math.Max(mostHeld, env.Idp.Recorder.Held);
                env.Idp.Recorder.ReleaseHeld();
                await Task.Delay(10);
            }

            Assert.Equal(7, await pass);
            Assert.Equal(3, mostHeld);
            var revoked = env.Idp.Recorder.To("/connect/revoke").Where(r => refreshTokens.Contains(r.Field("token") ?? string.Empty)).ToList();
            Assert.Equal(7, revoked.Count);
            Assert.All(revoked, r => Assert.Equal(200, r.Status));
            Assert.Empty(await bff.Services.GetRequiredService<IUserSessionStore>().FindExpiredAsync(bff.Time.GetUtcNow(), 100, CancellationToken.None));
        }
        finally
        {
            env.Idp.Recorder.HoldPathPrefix = null;
            env.Idp.Recorder.ReleaseHeld();
            browsers.ForEach(b => b.Dispose());
        }
    }

    [Fact]
    public async Task One_pass_ends_a_backlog_of_more_than_5000_expired_sessions_unreadable_ones_included()
    {
        await using var bff = await env.StartBffAsync(s =>
        {
            s["Bff:Session:Store"] = "Memory";
            s["Bff:Session:CleanupInterval"] = "00:00:00";
        });
        var store = bff.Services.GetRequiredService<IUserSessionStore>();
        var now = bff.Time.GetUtcNow();
        for (var i = 0; i < 5_050; i++)
        {
            // Written with keys the BFF no longer has (no refresh token to revoke): a backlog left by an outage.
            await store.SetAsync(new UserSession { Key = $"backlog-{i}", SubjectId = $"user-{i}", Created = now.AddDays(-2), Renewed = now.AddDays(-2), Expires = now.AddDays(-1), Ticket = [1, 2, 3] }, CancellationToken.None);
        }

        var removed = await bff.Services.GetRequiredService<SessionCleanup>().RunOnceAsync(CancellationToken.None);

        Assert.Equal(5_050, removed);
        Assert.Empty(await store.FindExpiredAsync(now, 100, CancellationToken.None));
    }

    [Fact]
    public async Task A_pass_stops_when_the_store_keeps_returning_sessions_it_deleted()
    {
        var store = new StoreThatKeepsDeletedSessions();
        await using var bff = await env.StartBffAsync(
            s => s["Bff:Session:CleanupInterval"] = "00:00:00",
            services: s => s.AddSingleton<IUserSessionStore>(store));
        var now = bff.Time.GetUtcNow();
        for (var i = 0; i < 100; i++)
        {
            await store.SetAsync(new UserSession { Key = $"stuck-{i}", SubjectId = $"user-{i}", Created = now.AddDays(-2), Renewed = now.AddDays(-2), Expires = now.AddDays(-1), Ticket = [1, 2, 3] }, CancellationToken.None);
        }

        var pass = bff.Services.GetRequiredService<SessionCleanup>().RunOnceAsync(CancellationToken.None);

        Assert.Same(pass, await Task.WhenAny(pass, Task.Delay(TimeSpan.FromSeconds(30))));
        Assert.Equal(100, await pass); // each ended (and its delete asked for) once, not again and again
        Assert.Equal(100, store.Deletes);
        Assert.Contains(bff.LogLines, line => line.Contains("still returns 100 expired sessions this cleanup pass deleted", StringComparison.Ordinal));
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(10);
        }
    }

    /// <summary>An application's store whose delete fails silently: the sessions stay.</summary>
    private sealed class StoreThatKeepsDeletedSessions : DelegatingSessionStore
    {
        private int _deletes;

        public int Deletes => Volatile.Read(ref _deletes);

        public override Task DeleteAsync(string key, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _deletes);
            return Task.CompletedTask;
        }

        public override Task<int> DeleteAsync(UserSessionFilter filter, CancellationToken cancellationToken) => Task.FromResult(0);
    }
}
