using System.Net;
using Bff.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;

namespace Bff.Tests.Interop;

/// <summary>
/// Google / Amazon Cognito, mimicked by oidc-provider: no end-session endpoint, opaque access
/// tokens, <c>name</c> only from userinfo, a refresh token only with <c>access_type=offline</c>,
/// refresh responses without a new refresh token.
/// </summary>
public sealed class GoogleInteropTests(GoogleProvider fixture) : IClassFixture<GoogleProvider>
{
    private InteropProvider Provider => fixture.Provider;

    private Task<TestBff> StartBffAsync(Action<Dictionary<string, string?>>? change = null)
    {
        var settings = InteropProfiles.Google(Provider, fixture.NewFolder());
        change?.Invoke(settings);
        return TestBff.StartAsync(Provider, settings, new CapturingLoggerProvider(), endSession: false);
    }

    [Fact]
    public async Task Login_user_api_refresh_and_logout_work_against_the_provider()
    {
        await using var bff = await StartBffAsync();
        using var browser = new TestBrowser();
        var walk = new InteropWalk(Provider, bff, browser);

        await walk.LoginAsync();
        var authorization = Assert.Single(await Provider.RequestsAsync(bff.ClientId), r => r.Endpoint == "authorization" && r.Param("access_type") is not null);
        Assert.Equal("offline", authorization.Param("access_type"));
        var redemptionAccessToken = Assert.Single(await walk.GrantsAsync("authorization_code")).Response!.Value.GetProperty("access_token").GetString();
        Assert.Single(await Provider.RequestsAsync(), r => r.Endpoint == "userinfo" && r.Status == 200 && r.Authorization == $"Bearer {redemptionAccessToken}");

        var user = await walk.UserAsync();
        Assert.Equal("alice", user["sub"]);
        Assert.Equal("Alice Smith", user["name"]); // only userinfo has it
        Assert.Equal("alice@example.com", user["email"]);
        Assert.DoesNotContain(bff.LogLines, l => l.Contains("userinfo", StringComparison.Ordinal) && l.Contains("refused", StringComparison.Ordinal));

        var api = await walk.CallAsync("/api1/files");
        Assert.Equal(("alice", "opaque", bff.ClientId), (api.Sub, api.TokenFormat, api.ClientId));
        bff.Time.Advance(TimeSpan.FromSeconds(500)); // 100 s left of the 600 expires_in gave: not yet
        await walk.CallAsync("/api1/files");
        Assert.Empty(await walk.GrantsAsync("refresh_token"));
        Assert.Single((await walk.TokensAtApiAsync("api1")).Distinct());

        walk.ExpireTokens();
        await walk.CallAsync("/api1/files");
        walk.ExpireTokens();
        await walk.CallAsync("/api1/files");
        var refreshes = await walk.GrantsAsync("refresh_token");
        Assert.Equal(2, refreshes.Count);
        Assert.All(refreshes, r => Assert.Equal(200, r.Status));
        Assert.All(refreshes, r => Assert.False(r.Response!.Value.TryGetProperty("refresh_token", out _)));
        Assert.Equal(refreshes[0].Param("refresh_token"), refreshes[1].Param("refresh_token")); // the one refresh token, kept
        Assert.Equal(3, (await walk.TokensAtApiAsync("api1")).Distinct().Count());
        Assert.Equal("true", authorization.Param("include_granted_scopes")); // the recipe's other parameter, sent as well

        var logout = await walk.LogoutAsync();
        Assert.Equal(new Uri(bff.Url).Port, logout.Location!.Port); // no end-session endpoint: a local logout to returnUrl
        Assert.Equal("/", logout.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, await walk.UserStatusAsync());
        Assert.Single(await Provider.RequestsAsync(bff.ClientId), r => r.Endpoint == "revocation" && r.Status == 200);
    }

    [Fact]
    public async Task An_opaque_token_without_expires_in_is_used_without_a_refresh_until_the_api_refuses_it_and_the_session_stays()
    {
        await using var provider = await InteropProvider.StartAsync("google", "--omit-expires-in");
        await using var bff = await TestBff.StartAsync(provider, InteropProfiles.Google(provider, fixture.NewFolder()), new CapturingLoggerProvider(), endSession: false);
        using var browser = new TestBrowser();
        var walk = new InteropWalk(provider, bff, browser);
        await walk.LoginAsync();
        var redemption = Assert.Single(await walk.GrantsAsync("authorization_code")).Response!.Value;
        Assert.False(redemption.TryGetProperty("expires_in", out _));

        await walk.CallAsync("/api1/files");
        walk.ExpireTokens(); // the BFF cannot know: no expires_in, no exp in an opaque token
        await walk.CallAsync("/api1/files");
        Assert.Empty(await walk.GrantsAsync("refresh_token"));
        Assert.Single((await walk.TokensAtApiAsync("api1")).Distinct());

        // What the token's expiry at the provider looks like to the API: revoked, the API refuses it.
        using var http = new HttpClient();
        using var revoked = await http.PostAsync($"{provider.Issuer}/token/revocation", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = redemption.GetProperty("access_token").GetString()!,
            ["client_id"] = bff.ClientId,
            ["client_secret"] = bff.ClientSecret,
        }));
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        var refused = await browser.ApiAsync($"{bff.Url}/api1/files");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status); // the API's answer, passed on
        Assert.Contains("invalid_token", refused.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, await walk.UserStatusAsync());
    }

    [Fact]
    public async Task Cognito_login_user_both_apis_refresh_and_logout_to_its_own_logout_url_work_against_the_stand_in()
    {
        var clientId = $"bff-{Guid.NewGuid():N}";
        var settings = InteropProfiles.Cognito(Provider, fixture.NewFolder(), clientId);
        await using var bff = await TestBff.StartAsync(Provider, settings, new CapturingLoggerProvider(), endSession: false, client: null, clientId: clientId);
        using var browser = new TestBrowser();
        var walk = new InteropWalk(Provider, bff, browser);

        await walk.LoginAsync();
        var redemption = Assert.Single(await walk.GrantsAsync("authorization_code"));
        Assert.Equal("Basic ***", redemption.Authorization); // client_secret_basic, as configured
        Assert.Equal(("alice", "Alice Smith"), ((await walk.UserAsync())["sub"], (await walk.UserAsync())["name"])); // from userinfo

        var api1 = await walk.CallAsync("/api1/orders");
        var api2 = await walk.CallAsync("/api2/invoices");
        Assert.Equal(("alice", "alice"), (api1.Sub, api2.Sub));
        Assert.Single((await walk.TokensAtApiAsync("api1")).Concat(await walk.TokensAtApiAsync("api2")).Distinct()); // one main token for both
        Assert.Empty(await walk.GrantsAsync("refresh_token"));

        walk.ExpireTokens();
        await walk.CallAsync("/api2/invoices");
        Assert.Equal(200, Assert.Single(await walk.GrantsAsync("refresh_token")).Status);

        var logoutUrl = (await walk.UserAsync())["bff:logout_url"];
        var logout = await browser.GetAsync($"{bff.Url}{logoutUrl}");
        Assert.Equal(HttpStatusCode.Redirect, logout.Status);
        var configured = settings["Bff:Oidc:EndSessionEndpoint"]!;
        Assert.StartsWith(configured + "&", logout.Location!.ToString(), StringComparison.Ordinal); // Cognito's own query kept, the BFF's appended
        var query = QueryHelpers.ParseQuery(logout.Location.Query);
        Assert.Equal((clientId, "https://app.example.com/signout-callback-oidc"), (query["client_id"].ToString(), query["logout_uri"].ToString()));
        Assert.Single(query["client_id"]);
        Assert.True(query.ContainsKey("id_token_hint"));
        Assert.Equal(HttpStatusCode.Unauthorized, await walk.UserStatusAsync()); // ended here before the redirect
        Assert.Single(await Provider.RequestsAsync(bff.ClientId), r => r.Endpoint == "revocation" && r.Status == 200);
    }

    [Fact]
    public async Task A_userinfo_answer_about_another_subject_fails_the_login_and_creates_no_session()
    {
        await using var bff = await StartBffAsync();
        using var browser = new TestBrowser();
        await Provider.SetUserInfoSubjectFaultAsync("mallory");
        try
        {
            var callback = await browser.LoginAsync(bff.Url);
            Assert.False(callback.IsRedirect, "the login went through although userinfo named another subject");
            Assert.Null(browser.CookieValue(bff.Url, "__Host-bff"));
            Assert.Contains(bff.LogLines, l => l.Contains("userinfo endpoint answered for another subject", StringComparison.Ordinal));
        }
        finally
        {
            await Provider.SetUserInfoSubjectFaultAsync(null);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
    }

    [Fact]
    public async Task A_configured_end_session_endpoint_is_used_where_discovery_has_none()
    {
        var endSession = $"{Provider.Issuer}/logout"; // e.g. Cognito's, which discovery does not describe fully
        await using var bff = await StartBffAsync(settings => settings["Bff:Oidc:EndSessionEndpoint"] = endSession);
        using var browser = new TestBrowser();
        var walk = new InteropWalk(Provider, bff, browser);
        await walk.LoginAsync();

        var logoutUrl = (await walk.UserAsync())["bff:logout_url"];
        var logout = await browser.GetAsync($"{bff.Url}{logoutUrl}");

        Assert.Equal(HttpStatusCode.Redirect, logout.Status);
        Assert.StartsWith(endSession + "?", logout.Location!.ToString(), StringComparison.Ordinal);
        Assert.Contains("id_token_hint=", logout.Location.Query, StringComparison.Ordinal);
        Assert.Contains("post_logout_redirect_uri=" + Uri.EscapeDataString($"{bff.Url}/signout-callback-oidc"), logout.Location.Query, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, await walk.UserStatusAsync()); // ended here before the redirect
    }

    [Fact]
    public async Task A_provider_without_a_userinfo_endpoint_gives_the_id_tokens_claims_only()
    {
        await using var provider = await InteropProvider.StartAsync("google", "--no-userinfo");
        await using var bff = await TestBff.StartAsync(provider, InteropProfiles.Google(provider, fixture.NewFolder()), new CapturingLoggerProvider(), endSession: false);
        using var browser = new TestBrowser();
        var walk = new InteropWalk(provider, bff, browser);
        await walk.LoginAsync();

        var user = await walk.UserAsync();
        Assert.Equal("alice", user["sub"]);
        Assert.Equal("Alice Smith", user["name"]); // without userinfo the provider puts the profile claims in the ID token
        Assert.DoesNotContain(await provider.RequestsAsync(), r => r.Endpoint == "userinfo");
        Assert.DoesNotContain(bff.LogLines, l => l.Contains("userinfo", StringComparison.OrdinalIgnoreCase));
        Assert.Equal("alice", (await walk.CallAsync("/api1/files")).Sub);
    }

    [Fact]
    public async Task Without_the_provider_specific_parameter_there_is_no_refresh_token_and_an_expired_token_ends_the_session()
    {
        await using var bff = await StartBffAsync(settings => settings.Remove("Bff:Oidc:AuthorizationParameters:access_type"));
        using var browser = new TestBrowser();
        var walk = new InteropWalk(Provider, bff, browser);
        await walk.LoginAsync();
        var redemption = Assert.Single(await walk.GrantsAsync("authorization_code"));
        Assert.False(redemption.Response!.Value.TryGetProperty("refresh_token", out _));

        await walk.CallAsync("/api1/files");
        walk.ExpireTokens();
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{bff.Url}/api1/files")).Status);
    }
}
