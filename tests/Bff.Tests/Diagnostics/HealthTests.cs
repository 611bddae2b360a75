using System.Net;
using System.Net.Sockets;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Diagnostics;

[Collection(SerialCollection.Name)]
public sealed class HealthTests(IdpFixture env)
{
    [Fact]
    public async Task Live_and_ready_answer_200_without_a_session_or_the_anti_forgery_header()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();

        var live = await browser.GetAsync($"{bff.Url}/health/live");
        var ready = await browser.GetAsync($"{bff.Url}/health/ready");

        Assert.Equal(HttpStatusCode.OK, live.Status);
        Assert.Equal("Healthy", new HealthAnswer(live.Body).Status);
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        var answer = new HealthAnswer(ready.Body);
        Assert.Equal("Healthy", answer.Status);
        Assert.Equal("Healthy", answer.StatusOf("session-store"));
        Assert.Equal("Healthy", answer.StatusOf("identity-provider"));
        Assert.All([live, ready], r =>
        {
            Assert.Contains("no-store", r.Header("Cache-Control"), StringComparison.Ordinal);
            Assert.StartsWith("application/json", r.Header("Content-Type"), StringComparison.Ordinal);
            Assert.Empty(r.SetCookies);
        });
    }

    [Fact]
    public async Task Ready_is_503_naming_the_session_store_when_redis_cannot_be_reached_and_the_host_still_starts()
    {
        await using var bff = await env.StartBffAsync(s =>
        {
            s["Bff:Session:Store"] = "Redis";
            var socket = Path.Combine(Path.GetTempPath(), $"bff-no-redis-{Guid.NewGuid():N}.sock");
            s["Bff:Session:Redis"] = $"unix:{socket},connectTimeout=200,syncTimeout=500,asyncTimeout=500"; // fail fast: a short test
        });
        using var browser = new TestBrowser();

        var ready = await browser.GetAsync($"{bff.Url}/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
        var answer = new HealthAnswer(ready.Body);
        Assert.Equal("Unhealthy", answer.Status);
        Assert.Equal("Unhealthy", answer.StatusOf("session-store"));
        Assert.StartsWith("The session store", answer.DescriptionOf("session-store"), StringComparison.Ordinal);
        Assert.Equal("Healthy", answer.StatusOf("identity-provider"));
        Assert.Contains("no-store", ready.Header("Cache-Control"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"{bff.Url}/health/live")).Status);
    }

    [Fact]
    public async Task Ready_is_503_naming_the_identity_provider_when_its_port_is_closed()
    {
        // A loopback port held by this test but never listening: every connection is refused.
        using var closed = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        closed.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var authority = $"http://127.0.0.1:{((IPEndPoint)closed.LocalEndPoint!).Port}";
        await using var bff = await env.StartBffAsync(s => s["Bff:Oidc:Authority"] = authority, client: ("unregistered", "secret"));
        using var browser = new TestBrowser();

        var ready = await browser.GetAsync($"{bff.Url}/health/ready");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.Status);
        var answer = new HealthAnswer(ready.Body);
        Assert.Equal("Unhealthy", answer.StatusOf("identity-provider"));
        Assert.Equal("Healthy", answer.StatusOf("session-store"));
        Assert.DoesNotContain(authority, ready.Body, StringComparison.Ordinal); // details go to the log only
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"{bff.Url}/health/live")).Status);
    }

    [Fact]
    public async Task Ready_is_503_while_the_identity_provider_is_down_and_200_again_when_it_is_back()
    {
        await using var idp = await TestIdp.StartAsync(env.Logs);
        await using var api = await TestApi.StartAsync(idp.Url, env.Logs);
        await using var bff = await TestBff.StartAsync(idp, api, env.NewFolder(), new CapturingLoggerProvider());
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url); // the discovery document is loaded
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"{bff.Url}/health/ready")).Status);

        await idp.StopAsync();
        bff.Time.Advance(IdentityProviderHealthCheckCacheFor());
        var down = await browser.GetAsync($"{bff.Url}/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.Status);
        Assert.Equal("Unhealthy", new HealthAnswer(down.Body).StatusOf("identity-provider"));

        await idp.RestartAsync();
        bff.Time.Advance(IdentityProviderHealthCheckCacheFor());
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"{bff.Url}/health/ready")).Status);
    }

    private static TimeSpan IdentityProviderHealthCheckCacheFor() => OpenBff.Health.IdentityProviderHealthCheck.CacheFor;
}
