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
}
