using System.Net;
using System.Text.Json.Nodes;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Interop;

/// <summary>
/// Microsoft Entra ID, mimicked by oidc-provider: the access token's audience is an API, so the
/// userinfo endpoint refuses it; one resource per token, chosen by scope; no revocation, no
/// back-channel logout, no PAR, no <c>iss</c> in the authorization response.
/// </summary>
public sealed class EntraInteropTests(EntraProvider fixture) : IClassFixture<EntraProvider>
{
    private InteropProvider Provider => fixture.Provider;

    private Task<TestBff> StartBffAsync(Action<Dictionary<string, string?>>? change = null)
    {
        var settings = InteropProfiles.Entra(Provider, fixture.NewFolder());
        change?.Invoke(settings);
        return TestBff.StartAsync(Provider, settings, new CapturingLoggerProvider());
    }

    /// <summary>The default, <c>Bff:Oidc:GetClaimsFromUserInfoEndpoint=true</c>, instead of the recipe's <c>false</c>.</summary>
    private static void CallingUserinfo(Dictionary<string, string?> settings) => settings["Bff:Oidc:GetClaimsFromUserInfoEndpoint"] = "true";

    [Fact]
    public async Task Login_user_api_refresh_second_api_and_logout_work_against_the_provider()
    {
        await using var bff = await StartBffAsync();
        using var browser = new TestBrowser();
        var walk = new InteropWalk(Provider, bff, browser);

        await walk.LoginAsync();
        var requests = await Provider.RequestsAsync(bff.ClientId);
        Assert.DoesNotContain(requests, r => r.Endpoint == "par");
        Assert.DoesNotContain(await Provider.RequestsAsync(), r => r.Endpoint == "userinfo" && r.Authorization?.EndsWith(RedemptionAccessToken(requests), StringComparison.Ordinal) == true); // GetClaimsFromUserInfoEndpoint=false

        var user = await walk.UserAsync();
        Assert.Equal("alice", user["sub"]);
        Assert.Equal("Alice Smith", user["name"]); // from the ID token

        var api1 = await walk.CallAsync("/api1/orders");
        Assert.Equal(("api1", "alice", "jwt"), (api1.Api, api1.Sub, api1.TokenFormat));
        Assert.True(api1.HasAudience(Provider.Api1));

        walk.ExpireTokens();
        await walk.CallAsync("/api1/orders");
        var refresh = Assert.Single(await walk.GrantsAsync("refresh_token"));
        Assert.Equal(200, refresh.Status);
        Assert.Null(refresh.Param("resource")); // Entra has no resource parameter: the scope chooses

        var api2 = await walk.CallAsync("/api2/invoices");
        Assert.Equal(("api2", "alice"), (api2.Api, api2.Sub));
        Assert.True(api2.HasAudience(Provider.Api2));
        var second = (await walk.GrantsAsync("refresh_token"))[1];
        Assert.Equal("api2.read", second.Param("scope"));

        var logout = await walk.LogoutAsync();
        Assert.Equal(Provider.Port, logout.Location!.Port); // RP-Initiated Logout at the provider
        Assert.Equal(HttpStatusCode.Unauthorized, await walk.UserStatusAsync());
        Assert.DoesNotContain(await Provider.RequestsAsync(bff.ClientId), r => r.Endpoint == "revocation"); // none advertised: logout completes without
    }

    [Fact]
    public async Task Userinfo_refusing_the_api_token_keeps_the_login_and_logs_one_warning_that_says_why()
    {
        await using var bff = await StartBffAsync(CallingUserinfo);
        using var browser = new TestBrowser();
        var walk = new InteropWalk(Provider, bff, browser);
        await walk.LoginAsync();

        var accessToken = RedemptionAccessToken(await Provider.RequestsAsync(bff.ClientId));
        Assert.Single(await Provider.RequestsAsync(), r => r.Endpoint == "userinfo" && r.Status == 401 && r.Authorization == $"Bearer {accessToken}");
        var warning = Assert.Single(bff.LogLines, l => l.Contains("userinfo endpoint refused the access token", StringComparison.Ordinal));
        Assert.Contains("status 401", warning, StringComparison.Ordinal);
        Assert.Contains("Bff:Oidc:GetClaimsFromUserInfoEndpoint=false", warning, StringComparison.Ordinal);
        Assert.Equal("Alice Smith", (await walk.UserAsync())["name"]);
    }

    [Fact]
    public async Task Userinfo_answering_403_keeps_the_login_and_logs_one_warning_that_says_why()
    {
        await using var bff = await StartBffAsync(CallingUserinfo);
        using var browser = new TestBrowser();
        var walk = new InteropWalk(Provider, bff, browser);
        await Provider.SetFaultsAsync(new JsonObject { ["userinfo_status"] = 403 });
        try
        {
            await walk.LoginAsync();
        }
        finally
        {
            await Provider.SetFaultsAsync(new JsonObject { ["userinfo_status"] = null });
        }

        var accessToken = RedemptionAccessToken(await Provider.RequestsAsync(bff.ClientId));
        Assert.Single(await Provider.RequestsAsync(), r => r.Endpoint == "userinfo" && r.Status == 403 && r.Authorization == $"Bearer {accessToken}");
        var warning = Assert.Single(bff.LogLines, l => l.Contains("userinfo endpoint refused the access token", StringComparison.Ordinal));
        Assert.Contains("status 403", warning, StringComparison.Ordinal);
        Assert.Equal(("alice", "Alice Smith"), ((await walk.UserAsync())["sub"], (await walk.UserAsync())["name"]));
    }

    [Fact]
    public async Task Several_resources_without_PAR_all_reach_the_authorization_request_and_the_session_gets_tokens_for_each()
    {
        await using var bff = await StartBffAsync(settings =>
        {
            settings["Bff:Oidc:Resources:0"] = Provider.Api1;
            settings["Bff:Oidc:Resources:1"] = Provider.Api2;
            settings.Remove("ReverseProxy:Routes:api2:Metadata:Bff.Scope");
            settings["ReverseProxy:Routes:api2:Metadata:Bff.Resource"] = Provider.Api2;
        });
        using var browser = new TestBrowser();
        var walk = new InteropWalk(Provider, bff, browser);
        await walk.LoginAsync();

        var requests = await Provider.RequestsAsync(bff.ClientId);
        Assert.DoesNotContain(requests, r => r.Endpoint == "par");
        var authorization = Assert.Single(requests, r => r.Endpoint == "authorization");
        Assert.Equal([Provider.Api1, Provider.Api2], authorization.ParamValues("resource")); // both, on the redirect itself
        Assert.Equal(Provider.Api1, Assert.Single(await walk.GrantsAsync("authorization_code")).Param("resource"));
        Assert.True((await walk.CallAsync("/api1/a")).HasAudience(Provider.Api1));
        Assert.True((await walk.CallAsync("/api2/b")).HasAudience(Provider.Api2));
        var grant = Assert.Single(await walk.GrantsAsync("refresh_token"));
        Assert.Equal((Provider.Api2, 200), (grant.Param("resource"), grant.Status));
    }

    private static string RedemptionAccessToken(List<InteropRequest> requests) =>
        Assert.Single(requests, r => r.Endpoint == "token" && r.GrantType == "authorization_code").Response!.Value.GetProperty("access_token").GetString()!;
}
