using System.Net;
using Bff.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Sessions;

/// <summary>Two BFF instances sharing one real redis-server, as behind a load balancer without sticky sessions.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class RedisScaleOutTests(IdpFixture env) : IAsyncLifetime
{
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    private Task<TestBff> StartNodeAsync((string Id, string Secret)? client = null, FakeTimeProvider? time = null) =>
        env.StartRedisBffAsync(_redis, client, time);

    [Fact]
    public async Task Login_on_one_node_works_on_the_other_and_logout_there_ends_it_everywhere()
    {
        await using var a = await StartNodeAsync();
        await using var b = await StartNodeAsync((a.ClientId, a.ClientSecret));
        using var browser = new TestBrowser();

        await browser.LoginAsync(a.Url); // the cookie is for the host, so the browser sends it to both nodes
        var onB = await browser.ApiAsync($"{b.Url}/bff/user");
        Assert.Equal(HttpStatusCode.OK, onB.Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{b.Url}/api/hello")).Status);

        var logout = await browser.GetAsync($"{b.Url}{new UserClaims(onB.Body).LogoutUrl}");
        Assert.Equal(HttpStatusCode.Redirect, logout.Status);

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{a.Url}/bff/user")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{a.Url}/api/hello")).Status);
    }

    [Fact]
    public async Task Redis_store_keeps_the_session_across_a_restart()
    {
        using var browser = new TestBrowser();
        (string, string) client;
        await using (var first = await StartNodeAsync())
        {
            await browser.LoginAsync(first.Url);
            client = (first.ClientId, first.ClientSecret);
        }

        await using var second = await StartNodeAsync(client);

        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{second.Url}/bff/user")).Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{second.Url}/api/hello")).Status);
    }

    [Fact]
    public async Task Concurrent_requests_on_two_nodes_with_an_expired_token_cause_one_refresh()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var a = await StartNodeAsync(time: time);
        await using var b = await StartNodeAsync((a.ClientId, a.ClientSecret), time);
        using var browser = new TestBrowser();
        await browser.LoginAsync(a.Url);
        time.Advance(TimeSpan.FromMinutes(6));

        var calls = Enumerable.Range(0, 30).Select(i => browser.ApiAsync($"{(i % 2 == 0 ? a.Url : b.Url)}/api/hello"));
        var responses = await Task.WhenAll(calls);

        var logs = string.Join("\n", a.LogLines.Select(l => "a: " + l).Concat(b.LogLines.Select(l => "b: " + l)).Where(l => !l.Contains("Microsoft.AspNetCore.Hosting", StringComparison.Ordinal)));
        Assert.All(responses, r => Assert.True(r.Status == HttpStatusCode.OK, $"{r.Status}\n{logs}"));
        Assert.Single(env.Idp.Grants(a.ClientId, "refresh_token"));
    }
}
