using System.Net;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Diagnostics;

[Collection(IntegrationCollection.Name)]
public sealed class MetricsTests(IdpFixture env)
{
    private static async Task RevokeRefreshTokenAtTheIdpAsync(IdpFixture env, TestBff bff)
    {
        using var http = new HttpClient();
        var revoke = await http.PostAsync($"{env.Idp.Url}/connect/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = IssuedTokens.From(env.Idp, bff.ClientId).RefreshTokens.Single(),
            ["token_type_hint"] = "refresh_token",
            ["client_id"] = bff.ClientId,
            ["client_secret"] = bff.ClientSecret,
        }));
        Assert.True(revoke.IsSuccessStatusCode);
    }

    [Fact]
    public async Task Login_proxied_call_refresh_and_logout_are_counted_with_their_tags()
    {
        await using var bff = await env.StartBffAsync();
        using var meters = new BffMeters(bff);
        using var browser = new TestBrowser();
        Assert.Equal(0, await meters.ActiveSessionsAsync());

        await browser.LoginAsync(bff.Url);
        Assert.Equal(1, BffMeters.Sum(meters.Logins, BffMetrics.ResultTag, "success"));
        Assert.Equal(1, await meters.ActiveSessionsAsync());

        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
        Assert.Equal([("user", 200)], await meters.ProxiedAsync(1));
        Assert.Empty(meters.TokenRefreshes.GetMeasurementSnapshot());

        bff.Time.Advance(TimeSpan.FromMinutes(5)); // the IdP's access tokens live 5 minutes
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
        var refresh = Assert.Single(meters.TokenRefreshes.GetMeasurementSnapshot());
        Assert.Equal((1, "success"), (refresh.Value, refresh.Tags[BffMetrics.ResultTag]));
        Assert.Equal([("user", 200), ("user", 200)], await meters.ProxiedAsync(2));

        var claims = new UserClaims((await browser.ApiAsync($"{bff.Url}/bff/user")).Body);
        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync($"{bff.Url}{claims.LogoutUrl}")).Status);
        var logout = Assert.Single(meters.Logouts.GetMeasurementSnapshot());
        Assert.Equal((1, "user"), (logout.Value, logout.Tags[BffMetrics.KindTag]));
        Assert.Equal(0, await meters.ActiveSessionsAsync());

        Assert.Equal(0, BffMeters.Sum(meters.Logins, BffMetrics.ResultTag, "failure"));
        Assert.Equal(2, meters.ProxyRequests.GetMeasurementSnapshot().Count); // /bff/* calls are not proxied requests
    }

    [Fact]
    public async Task A_second_login_in_the_same_browser_counts_a_login_and_a_replaced_session_not_a_renewal()
    {
        await using var bff = await env.StartBffAsync();
        using var meters = new BffMeters(bff);
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);

        await browser.LoginAsync(bff.Url, "bob", "bob", prompt: "login");

        Assert.Equal(2, BffMeters.Sum(meters.Logins, BffMetrics.ResultTag, "success"));
        var replaced = Assert.Single(meters.Logouts.GetMeasurementSnapshot());
        Assert.Equal((1, "replaced"), (replaced.Value, replaced.Tags[BffMetrics.KindTag]));
        Assert.Equal(1, await meters.ActiveSessionsAsync());
    }

    [Fact]
    public async Task A_refresh_token_refused_by_the_idp_is_counted_as_rejected()
    {
        await using var bff = await env.StartBffAsync();
        using var meters = new BffMeters(bff);
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        await RevokeRefreshTokenAtTheIdpAsync(env, bff);

        bff.Time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);

        var refresh = Assert.Single(meters.TokenRefreshes.GetMeasurementSnapshot());
        Assert.Equal((1, "rejected"), (refresh.Value, refresh.Tags[BffMetrics.ResultTag]));
        Assert.Equal([("user", 401)], await meters.ProxiedAsync(1));
        Assert.Equal(0, await meters.ActiveSessionsAsync());
    }

    [Fact]
    public async Task A_token_endpoint_failing_during_refresh_is_counted_as_unavailable()
    {
        await using var bff = await env.StartBffAsync();
        using var meters = new BffMeters(bff);
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        bff.Time.Advance(TimeSpan.FromMinutes(6));

        env.Idp.Recorder.FailPathPrefix = "/connect/token";
        try
        {
            Assert.Equal(HttpStatusCode.BadGateway, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
        }
        finally
        {
            env.Idp.Recorder.FailPathPrefix = null;
        }

        var refresh = Assert.Single(meters.TokenRefreshes.GetMeasurementSnapshot());
        Assert.Equal((1, "unavailable"), (refresh.Value, refresh.Tags[BffMetrics.ResultTag]));
        Assert.Equal([("user", 502)], await meters.ProxiedAsync(1));
        Assert.Equal(1, await meters.ActiveSessionsAsync()); // the session is kept
    }

    [Fact]
    public async Task Client_token_fetches_are_counted_once_per_fetch_not_per_call()
    {
        await using var bff = await env.StartBffAsync();
        using var meters = new BffMeters(bff);
        using var browser = new TestBrowser();

        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/client/api/hello")).Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/client/api/hello")).Status);

        var fetch = Assert.Single(meters.ClientTokenFetches.GetMeasurementSnapshot());
        Assert.Equal((1, "success"), (fetch.Value, fetch.Tags[BffMetrics.ResultTag]));
        Assert.Equal([("client", 200), ("client", 200)], await meters.ProxiedAsync(2));
    }

    [Fact]
    public async Task A_forged_login_callback_is_counted_as_a_failed_login()
    {
        await using var bff = await env.StartBffAsync();
        using var meters = new BffMeters(bff);
        using var browser = new TestBrowser();

        var response = await browser.GetAsync($"{bff.Url}/signin-oidc?code=forged&state=forged");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        var login = Assert.Single(meters.Logins.GetMeasurementSnapshot());
        Assert.Equal((1, "failure"), (login.Value, login.Tags[BffMetrics.ResultTag]));
        Assert.Equal(0, await meters.ActiveSessionsAsync());
    }

    [Fact]
    public async Task A_back_channel_logout_counts_the_sessions_it_ends()
    {
        await using var bff = await env.StartBffAsync();
        using var meters = new BffMeters(bff);
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var sid = new UserClaims((await browser.ApiAsync($"{bff.Url}/bff/user")).Body).Value("sid")!;
        var tokens = new LogoutTokens(env.Idp);

        using var idp = new TestBrowser();
        var response = await idp.SendAsync(HttpMethod.Post, $"{bff.Url}/bff/backchannel", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["logout_token"] = tokens.Create(tokens.Claims(bff.ClientId, sid, "alice")),
        }));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var logout = Assert.Single(meters.Logouts.GetMeasurementSnapshot());
        Assert.Equal((1, "backchannel"), (logout.Value, logout.Tags[BffMetrics.KindTag]));
        Assert.Equal(0, await meters.ActiveSessionsAsync());
    }

    [Theory]
    [InlineData("Memory")]
    [InlineData("Sqlite")]
    [InlineData("Redis")]
    public async Task Active_sessions_are_the_stores_sessions_that_have_not_expired(string store)
    {
        await using var redis = store == "Redis" ? await RedisServer.StartAsync() : null;
        await using var bff = await env.StartBffAsync(s =>
        {
            s["Bff:Session:Store"] = store;
            s["Bff:Session:Redis"] = redis?.ConnectionString;
            s["Bff:Session:CleanupInterval"] = "00:00:00"; // expired sessions stay in the store
        });
        using var meters = new BffMeters(bff);
        using var alice = new TestBrowser();
        using var bob = new TestBrowser();

        await alice.LoginAsync(bff.Url, "alice", "alice");
        await bob.LoginAsync(bff.Url, "bob", "bob");
        Assert.Equal(2, await meters.ActiveSessionsAsync());

        bff.Time.Advance(TimeSpan.FromHours(8) + TimeSpan.FromMinutes(1)); // past the idle timeout; still stored
        Assert.Equal(0, await meters.ActiveSessionsAsync());
    }
}
