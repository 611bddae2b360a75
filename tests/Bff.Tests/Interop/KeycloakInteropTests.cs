using System.Net;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Interop;

/// <summary>
/// Keycloak / Okta, mimicked by oidc-provider: PAR, RFC 9207 <c>iss</c>, RFC 8707 resources
/// (<c>Bff:Oidc:Resources</c>), JWT access tokens per API, refresh-token rotation, revocation,
/// back-channel logout with <c>sid</c>.
/// </summary>
public sealed class KeycloakInteropTests(KeycloakProvider fixture) : IClassFixture<KeycloakProvider>
{
    private InteropProvider Provider => fixture.Provider;

    private async Task<TestBff> StartBffAsync(Action<Dictionary<string, string?>>? change = null)
    {
        var settings = InteropProfiles.Keycloak(Provider, fixture.NewFolder());
        change?.Invoke(settings);
        return await TestBff.StartAsync(Provider, settings, new CapturingLoggerProvider(), backChannelLogout: true);
    }

    [Fact]
    public async Task Login_user_api_refresh_second_api_and_logout_work_against_the_provider()
    {
        await using var bff = await StartBffAsync();
        using var browser = new TestBrowser();
        var walk = new InteropWalk(Provider, bff, browser);

        await walk.LoginAsync();
        var pushed = Assert.Single(await Provider.RequestsAsync(bff.ClientId), r => r.Endpoint == "par");
        Assert.Equal([Provider.Api1, Provider.Api2], pushed.ParamValues("resource")); // every resource, in the pushed request
        var redemption = Assert.Single(await walk.GrantsAsync("authorization_code"));
        Assert.Equal(Provider.Api1, redemption.Param("resource")); // the session's token is for the first

        var user = await walk.UserAsync();
        Assert.Equal("alice", user["sub"]);
        Assert.Equal("Alice Smith", user["name"]);

        var api1 = await walk.CallAsync("/api1/orders");
        Assert.Equal(("api1", "alice", "jwt"), (api1.Api, api1.Sub, api1.TokenFormat));
        Assert.True(api1.HasAudience(Provider.Api1));

        walk.ExpireTokens();
        await walk.CallAsync("/api1/orders");
        var refresh = Assert.Single(await walk.GrantsAsync("refresh_token"));
        Assert.Equal((200, Provider.Api1), (refresh.Status, refresh.Param("resource")));
        var tokens = await walk.TokensAtApiAsync("api1");
        Assert.NotEqual(tokens[0], tokens[1]);

        var api2 = await walk.CallAsync("/api2/invoices");
        Assert.Equal(("api2", "alice", "jwt"), (api2.Api, api2.Sub, api2.TokenFormat));
        Assert.True(api2.HasAudience(Provider.Api2));
        Assert.False(api2.HasAudience(Provider.Api1));
        var grants = await walk.GrantsAsync("refresh_token");
        Assert.Equal(2, grants.Count);
        Assert.Equal(Provider.Api2, grants[1].Param("resource"));
        await walk.CallAsync("/api2/invoices"); // kept in the session: no further grant
        Assert.Equal(2, (await walk.GrantsAsync("refresh_token")).Count);

        var logout = await walk.LogoutAsync();
        Assert.Contains("id_token_hint=", logout.Location!.Query, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, await walk.UserStatusAsync());
        var revocation = Assert.Single(await Provider.RequestsAsync(bff.ClientId), r => r.Endpoint == "revocation");
        Assert.Equal("refresh_token", revocation.Param("token_type_hint"));
    }

    [Fact]
    public async Task The_provider_rotating_the_refresh_token_on_every_grant_never_sees_a_reuse()
    {
        await using var bff = await StartBffAsync();
        using var browser = new TestBrowser();
        var walk = new InteropWalk(Provider, bff, browser);
        await walk.LoginAsync();

        for (var round = 0; round < 3; round++)
        {
            walk.ExpireTokens();
            await Task.WhenAll(Enumerable.Range(0, 8).Select(i => walk.CallAsync(i % 2 == 0 ? "/api1/x" : "/api2/x")));
        }

        var grants = await walk.GrantsAsync("refresh_token");
        Assert.All(grants, g => Assert.Equal(200, g.Status));
        var presented = grants.Select(g => g.Param("refresh_token")).ToList();
        Assert.Equal(presented.Count, presented.Distinct().Count()); // every grant used the newest refresh token
    }

    [Fact]
    public async Task Two_instances_sharing_Redis_get_the_second_apis_token_with_one_grant()
    {
        await using var redis = await RedisServer.StartAsync();
        var dataPath = fixture.NewFolder();
        Dictionary<string, string?> Settings() => InteropProfiles.Keycloak(Provider, dataPath).OnRedis(redis);

        await using var first = await TestBff.StartAsync(Provider, Settings(), new CapturingLoggerProvider(), backChannelLogout: true);
        await using var second = await TestBff.StartAsync(Provider, Settings(), new CapturingLoggerProvider(), client: (first.ClientId, first.ClientSecret));
        using var browser = new TestBrowser();
        var walk = new InteropWalk(Provider, first, browser);
        await walk.LoginAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => browser.ApiAsync($"{(i % 2 == 0 ? first.Url : second.Url)}/api2/x")));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        var grant = Assert.Single(await walk.GrantsAsync("refresh_token"));
        Assert.Equal(Provider.Api2, grant.Param("resource"));

        first.Time.Advance(TimeSpan.FromSeconds(601));
        second.Time.Advance(TimeSpan.FromSeconds(601));
        answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => browser.ApiAsync($"{(i % 2 == 0 ? first.Url : second.Url)}/api{1 + (i / 2 % 2)}/x")));
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));
        var grants = await walk.GrantsAsync("refresh_token");
        Assert.Equal(3, grants.Count); // one more for each API, whichever instance asked first
        Assert.All(grants, g => Assert.Equal(200, g.Status));
        Assert.Equal([Provider.Api1, Provider.Api2], grants.Skip(1).Select(g => g.Param("resource")).Order());
    }

    [Fact]
    public async Task A_back_channel_logout_from_the_provider_ends_the_session()
    {
        await using var bff = await StartBffAsync();
        using var browser = new TestBrowser();
        var walk = new InteropWalk(Provider, bff, browser);
        await walk.LoginAsync("bob");

        var sent = await Provider.LogoutAsync("bob");
        var toBff = Assert.Single(sent, s => (string?)s!["client_id"] == bff.ClientId);
        Assert.Equal(200, (int)toBff!["status"]!);
        Assert.Equal(HttpStatusCode.Unauthorized, await walk.UserStatusAsync());
    }

    [Fact]
    public async Task A_resource_the_provider_refuses_gives_502_naming_the_route_and_keeps_the_session()
    {
        await using var bff = await StartBffAsync(settings =>
        {
            // No Bff:Oidc:Resources: the login must not ask for the unknown resource, the route does.
            settings.Remove("Bff:Oidc:Resources:0");
            settings.Remove("Bff:Oidc:Resources:1");
            settings["ReverseProxy:Routes:unknown:ClusterId"] = "apis";
            settings["ReverseProxy:Routes:unknown:Match:Path"] = "/unknown/{**rest}";
            settings["ReverseProxy:Routes:unknown:Metadata:Bff.TokenType"] = "User";
            settings["ReverseProxy:Routes:unknown:Metadata:Bff.Resource"] = "https://unknown.interop.test";
        });
        using var browser = new TestBrowser();
        var walk = new InteropWalk(Provider, bff, browser);
        await walk.LoginAsync();

        var response = await browser.ApiAsync($"{bff.Url}/unknown/x");
        Assert.Equal(HttpStatusCode.BadGateway, response.Status);
        Assert.Contains(bff.LogLines, l => l.Contains("Route unknown needs a user token for resource 'https://unknown.interop.test'", StringComparison.Ordinal) && l.Contains("invalid_target", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, await walk.UserStatusAsync());
        await walk.CallAsync("/api1/still-works");
    }
}
