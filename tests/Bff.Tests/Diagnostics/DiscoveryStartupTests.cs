using System.Diagnostics;
using System.Net;
using OpenBff.Health;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Diagnostics;

/// <summary>Uses an IdP of its own: it is down when the BFF starts and comes up later on the same port.</summary>
[Collection(SerialCollection.Name)]
public sealed class DiscoveryStartupTests(IdpFixture env)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);

    private static List<string> Lines(CapturingLoggerProvider logs, int eventId) =>
        logs.Lines.Where(l => l.Contains($"[{eventId}]", StringComparison.Ordinal)).ToList();

    /// <summary>Polls (real time) until <paramref name="done"/>, running <paramref name="step"/> between tries.</summary>
    private static async Task EventuallyAsync(Func<Task<bool>> done, Action? step = null)
    {
        var clock = Stopwatch.StartNew();
        while (!await done())
        {
            Assert.True(clock.Elapsed < Patience, "gave up waiting");
            step?.Invoke();
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task A_bff_started_while_the_idp_is_down_retries_with_backoff_and_becomes_ready_when_it_is_up()
    {
        await using var idp = await TestIdp.StartAsync(env.Logs);
        var client = await idp.RegisterClientAsync("http://127.0.0.1");
        await idp.StopAsync();
        var logs = new CapturingLoggerProvider();

        await using var bff = await TestBff.StartAsync(idp, env.Api, env.NewFolder(), logs, client: client);
        using var browser = new TestBrowser();

        await EventuallyAsync(() => Task.FromResult(Lines(logs, 5001).Count >= 1));
        var first = Lines(logs, 5001)[0];
        Assert.StartsWith("Warning", first, StringComparison.Ordinal);
        Assert.Contains($"discovery document at {idp.Url}/.well-known/openid-configuration could not be loaded", first, StringComparison.Ordinal);
        Assert.Contains("retrying in 00:00:01.", first, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"{bff.Url}/health/live")).Status);
        var down = await browser.GetAsync($"{bff.Url}/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.Status);
        Assert.Equal("Unhealthy", new HealthAnswer(down.Body).StatusOf("identity-provider"));

        bff.Time.Advance(TimeSpan.FromSeconds(1)); // the first retry, still failing
        await EventuallyAsync(() => Task.FromResult(Lines(logs, 5001).Count >= 2));
        Assert.Contains("retrying in 00:00:02.", Lines(logs, 5001)[1], StringComparison.Ordinal);
        Assert.Empty(Lines(logs, 5002));

        await idp.RestartAsync();
        await EventuallyAsync(() => Task.FromResult(Lines(logs, 5002).Count == 1), () => bff.Time.Advance(TimeSpan.FromMinutes(1)));
        Assert.Contains($"discovery document at {idp.Url}/.well-known/openid-configuration was loaded", Lines(logs, 5002)[0], StringComparison.Ordinal);
        Assert.StartsWith("Information", Lines(logs, 5002)[0], StringComparison.Ordinal);
        await EventuallyAsync(async () => (await browser.GetAsync($"{bff.Url}/health/ready")).Status == HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(6, 32)]
    [InlineData(7, 60)]
    [InlineData(1000, 60)]
    public void Retry_delays_double_from_one_second_up_to_one_minute(int failures, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), DiscoveryDocumentWarmup.RetryDelay(failures));
    }
}
