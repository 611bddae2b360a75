using System.Net;
using System.Text.Json.Nodes;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Interop;

/// <summary>
/// The Duende IdentityServer recipe's configuration (RFC 8707 <c>Bff:Oidc:Resources</c> and
/// <c>Bff.Resource</c>, PAR and <c>iss</c> required) against the Keycloak-like profile, which has
/// everything that recipe uses; IdentityServer itself is not installable here.
/// </summary>
public sealed class DuendeInteropTests(KeycloakProvider fixture) : IClassFixture<KeycloakProvider>
{
    private InteropProvider Provider => fixture.Provider;

    private async Task<TestBff> StartBffAsync(Action<Dictionary<string, string?>>? change = null)
    {
        var settings = InteropProfiles.Duende(Provider, fixture.NewFolder());
        change?.Invoke(settings);
        return await TestBff.StartAsync(Provider, settings, new CapturingLoggerProvider(), backChannelLogout: true);
    }

    /// <summary>A route to api2 (through a path transform) with its own token type and metadata.</summary>
    private static Action<Dictionary<string, string?>> Api2Route(string route, string tokenType, string key, string value) => settings =>
    {
        settings[$"ReverseProxy:Routes:{route}:ClusterId"] = "apis";
        settings[$"ReverseProxy:Routes:{route}:Match:Path"] = $"/{route}/{{**rest}}";
        settings[$"ReverseProxy:Routes:{route}:Transforms:0:PathPattern"] = "/api2/{**rest}";
        settings[$"ReverseProxy:Routes:{route}:Metadata:Bff.TokenType"] = tokenType;
        settings[$"ReverseProxy:Routes:{route}:Metadata:{key}"] = value;
    };

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
        Assert.Equal(("alice", "Alice Smith"), (user["sub"], user["name"]));

        var api1 = await walk.CallAsync("/api1/orders");
        Assert.Equal(("api1", "alice", "jwt"), (api1.Api, api1.Sub, api1.TokenFormat));
        Assert.True(api1.HasAudience(Provider.Api1));

        walk.ExpireTokens();
        await walk.CallAsync("/api1/orders");
        var refresh = Assert.Single(await walk.GrantsAsync("refresh_token"));
        Assert.Equal((200, Provider.Api1), (refresh.Status, refresh.Param("resource")));

        var api2 = await walk.CallAsync("/api2/invoices");
        Assert.True(api2.HasAudience(Provider.Api2));
        Assert.False(api2.HasAudience(Provider.Api1));
        Assert.Equal(Provider.Api2, (await walk.GrantsAsync("refresh_token"))[1].Param("resource"));

        await walk.LogoutAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, await walk.UserStatusAsync());
        Assert.Single(await Provider.RequestsAsync(bff.ClientId), r => r.Endpoint == "revocation" && r.Status == 200);
    }

    [Fact]
    public async Task The_provider_refusing_the_main_tokens_resource_at_a_refresh_gives_502_naming_the_route_and_keeps_the_session()
    {
        await using var bff = await StartBffAsync();
        using var browser = new TestBrowser();
        var walk = new InteropWalk(Provider, bff, browser);
        await walk.LoginAsync();
        await walk.CallAsync("/api1/a");

        await Provider.SetFaultsAsync(new JsonObject { ["refused_resources"] = new JsonArray(Provider.Api1) }); // the client's access to api1 withdrawn
        try
        {
            walk.ExpireTokens();
            var refused = await browser.ApiAsync($"{bff.Url}/api1/a");
            Assert.Equal(HttpStatusCode.BadGateway, refused.Status);
            Assert.Contains(bff.LogLines, l => l.Contains($"Route api1 needs a user token for the session's main token (resource '{Provider.Api1}'", StringComparison.Ordinal) && l.Contains("(invalid_target); the session is kept", StringComparison.Ordinal));
            Assert.Equal("invalid_target", Assert.Single(await walk.GrantsAsync("refresh_token")).Error);
            Assert.Equal(HttpStatusCode.OK, await walk.UserStatusAsync());
            Assert.Equal("alice", (await walk.CallAsync("/api2/b")).Sub); // the refresh token still works for the other API
        }
        finally
        {
            await Provider.SetFaultsAsync(new JsonObject { ["refused_resources"] = new JsonArray() });
        }

        Assert.True((await walk.CallAsync("/api1/a")).HasAudience(Provider.Api1)); // access given back: the same session refreshes
        Assert.All((await walk.GrantsAsync("refresh_token")).Skip(1), g => Assert.Equal(200, g.Status));
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

    [Fact]
    public async Task An_OptionalUser_route_with_Bff_Resource_gets_a_user_token_for_that_resource_and_none_without_a_session()
    {
        await using var bff = await StartBffAsync(Api2Route("optional", "OptionalUser", "Bff.Resource", "https://api2.interop.test"));
        using var anonymous = new TestBrowser();
        var none = await anonymous.ApiAsync($"{bff.Url}/optional/x");
        Assert.Equal(HttpStatusCode.Unauthorized, none.Status); // forwarded without a token: the API refuses
        Assert.Contains("missing bearer token", none.Body, StringComparison.Ordinal);

        using var browser = new TestBrowser();
        var walk = new InteropWalk(Provider, bff, browser);
        await walk.LoginAsync();
        var answer = await walk.CallAsync("/optional/x");
        Assert.Equal(("api2", "alice", "/api2/x"), (answer.Api, answer.Sub, answer.Path));
        Assert.True(answer.HasAudience(Provider.Api2));
        var grant = Assert.Single(await walk.GrantsAsync("refresh_token"));
        Assert.Equal((Provider.Api2, 200), (grant.Param("resource"), grant.Status));
    }

    [Fact]
    public async Task A_UserOrClient_route_with_Bff_Scope_gets_a_user_token_for_that_scope_and_a_client_token_without_a_session()
    {
        await using var bff = await StartBffAsync(Api2Route("either", "UserOrClient", "Bff.Scope", "api2.read"));
        using var browser = new TestBrowser();
        var walk = new InteropWalk(Provider, bff, browser);
        await walk.LoginAsync();
        var user = await walk.CallAsync("/either/x");
        Assert.Equal(("api2", "alice"), (user.Api, user.Sub));
        Assert.True(user.HasAudience(Provider.Api2));
        var grant = Assert.Single(await walk.GrantsAsync("refresh_token"));
        Assert.Equal(("api2.read", null, 200), (grant.Param("scope"), grant.Param("resource"), grant.Status));

        using var anonymous = new TestBrowser();
        var client = await new InteropWalk(Provider, bff, anonymous).CallAsync("/either/x");
        Assert.Equal(("api2", bff.ClientId, bff.ClientId), (client.Api, client.Sub, client.ClientId)); // a client token: its subject is the client
        Assert.True(client.HasAudience(Provider.Api2));
        Assert.Equal("api2.read", Assert.Single(await walk.GrantsAsync("client_credentials")).Param("scope"));
    }

    [Fact]
    public async Task Two_instances_sharing_Redis_get_the_second_apis_token_with_one_grant()
    {
        await using var redis = await RedisServer.StartAsync();
        var dataPath = fixture.NewFolder();
        Dictionary<string, string?> Settings() => InteropProfiles.Duende(Provider, dataPath).OnRedis(redis);

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
}
