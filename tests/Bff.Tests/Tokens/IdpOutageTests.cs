using System.Diagnostics;
using System.Net;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Tokens;

/// <summary>Uses an IdP (and API) of its own: the IdP is stopped and restarted on the same port mid-session.</summary>
[Collection(SerialCollection.Name)]
public sealed class IdpOutageTests(IdpFixture env)
{
    [Fact]
    public async Task Idp_stopped_mid_session_answers_promptly_with_502_and_the_session_works_again_after_restart()
    {
        await using var idp = await TestIdp.StartAsync(env.Logs);
        await using var api = await TestApi.StartAsync(idp.Url, env.Logs);
        var bffLogs = new CapturingLoggerProvider();
        await using var bff = await TestBff.StartAsync(idp, api, env.NewFolder(), bffLogs);
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);

        await idp.StopAsync();
        bff.Time.Advance(TimeSpan.FromMinutes(6));
        var clock = Stopwatch.StartNew();
        var during = await browser.ApiAsync($"{bff.Url}/api/hello");
        clock.Stop();

        Assert.True((int)during.Status is 502 or 503 or 504, $"{during.Status}\n{string.Join("\n", bffLogs.Lines.TakeLast(10))}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);

        await idp.RestartAsync();
        var after = await browser.ApiAsync($"{bff.Url}/api/hello");

        Assert.Equal(HttpStatusCode.OK, after.Status);
        Assert.Single(idp.Grants(bff.ClientId, "refresh_token"), r => r.Status == 200);
    }

    [Fact]
    public async Task Idp_slower_than_the_refresh_timeout_answers_504_and_the_late_refresh_still_lands_once()
    {
        await using var idp = await TestIdp.StartAsync(env.Logs);
        await using var api = await TestApi.StartAsync(idp.Url, env.Logs);
        await using var bff = await TestBff.StartAsync(idp, api, env.NewFolder(), new CapturingLoggerProvider(), s => s["Bff:Tokens:RefreshTimeout"] = "00:00:03");
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        bff.Time.Advance(TimeSpan.FromMinutes(6));

        idp.Recorder.HoldPathPrefix = "/connect/token";
        try
        {
            var slow = browser.ApiAsync($"{bff.Url}/api/hello");
            var deadline = DateTime.UtcNow.AddSeconds(20);
            while (idp.Recorder.Held == 0 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(20); // wait until the refresh reached the (held) token endpoint
            }

            Assert.Equal(1, idp.Recorder.Held);
            bff.Time.Advance(TimeSpan.FromSeconds(4)); // past the refresh timeout
            Assert.Equal(HttpStatusCode.GatewayTimeout, (await slow).Status);
        }
        finally
        {
            idp.Recorder.HoldPathPrefix = null;
            idp.Recorder.ReleaseHeld();
        }

        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
        Assert.Single(idp.Grants(bff.ClientId, "refresh_token"));
    }

    [Fact]
    public async Task Idp_down_while_the_access_token_is_still_valid_keeps_the_calls_going_with_it_and_refreshes_once_it_is_back()
    {
        await using var idp = await TestIdp.StartAsync(env.Logs);
        await using var api = await TestApi.StartAsync(idp.Url, env.Logs);
        var bffLogs = new CapturingLoggerProvider();
        await using var bff = await TestBff.StartAsync(idp, api, env.NewFolder(), bffLogs);
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status); // the API has the IdP's keys

        await idp.StopAsync();
        bff.Time.Advance(TimeSpan.FromMinutes(4.5)); // within RefreshBeforeExpiry (1 min) of the 5-minute token's expiry
        for (var i = 0; i < 5; i++)
        {
            var during = await browser.ApiAsync($"{bff.Url}/api/hello");
            Assert.True(during.Status == HttpStatusCode.OK, $"{during.Status}\n{string.Join("\n", bffLogs.Lines.TakeLast(10))}");
        }

        // Each failed attempt logs this once: one line for five calls is one attempt, not one per request.
        Assert.Single(bffLogs.Lines, l => l.Contains("the session's token is still valid and is used", StringComparison.Ordinal));

        await idp.RestartAsync();
        bff.Time.Advance(OpenBff.Tokens.RefreshBackoff.Delay);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
        Assert.Single(idp.Grants(bff.ClientId, "refresh_token"), r => r.Status == 200);

        bff.Time.Advance(TimeSpan.FromMinutes(1)); // past the first token's expiry: the new one is in use, no 502
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
    }
}
