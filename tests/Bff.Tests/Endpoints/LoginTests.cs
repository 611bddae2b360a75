using System.Net;
using Bff.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;

namespace Bff.Tests.Endpoints;

[Collection(IntegrationCollection.Name)]
public sealed class LoginTests(IdpFixture env)
{
    [Fact]
    public async Task Login_pushes_the_authorization_request_when_the_idp_supports_par()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();

        var response = await browser.GetAsync($"{bff.Url}/bff/login?returnUrl=/orders");

        var query = QueryHelpers.ParseQuery(response.Location!.Query);
        Assert.Equal(new[] { "client_id", "request_uri" }, query.Keys.Order(StringComparer.Ordinal));
        var pushed = env.Idp.Recorder.To("/connect/par").Single(r => r.Field("client_id") == bff.ClientId);
        Assert.Equal(201, pushed.Status);
        Assert.Equal(bff.ClientSecret, pushed.Field("client_secret"));
        Assert.Equal("S256", pushed.Field("code_challenge_method"));
        Assert.Equal("code", pushed.Field("response_type"));
        Assert.False(string.IsNullOrEmpty(pushed.Field("state")));
        Assert.False(string.IsNullOrEmpty(pushed.Field("nonce")));
        Assert.Contains(query["request_uri"].ToString(), pushed.ResponseBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_redirects_to_the_authorize_endpoint_with_code_flow_pkce_state_and_nonce()
    {
        await using var bff = await env.StartBffAsync(s => s["Bff:Oidc:PushedAuthorization"] = "Never");
        using var browser = new TestBrowser();

        var response = await browser.GetAsync($"{bff.Url}/bff/login?returnUrl=/orders");

        Assert.Equal(HttpStatusCode.Redirect, response.Status);
        var location = response.Location!;
        Assert.StartsWith($"{env.Idp.Url}/connect/authorize", location.ToString(), StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(location.Query);
        Assert.Equal("code", query["response_type"].ToString());
        // response_mode=query is the code flow's default, which the handler leaves implicit.
        Assert.True(!query.ContainsKey("response_mode") || query["response_mode"] == "query");
        Assert.Equal("S256", query["code_challenge_method"].ToString());
        Assert.True(query["code_challenge"].ToString().Length >= 43);
        Assert.False(string.IsNullOrEmpty(query["state"]));
        Assert.False(string.IsNullOrEmpty(query["nonce"]));
        Assert.Equal(bff.ClientId, query["client_id"].ToString());
        Assert.Equal($"{bff.Url}/signin-oidc", query["redirect_uri"].ToString());
        Assert.Contains("offline_access", query["scope"].ToString(), StringComparison.Ordinal);
        Assert.False(query.ContainsKey("client_secret"));
        Assert.Equal("no-store", response.Header("Cache-Control"));
    }

    [Fact]
    [Trait("Category", "Adversarial")]
    public async Task Login_correlation_and_nonce_cookies_are_secure_httponly_and_samesite_none()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();

        var response = await browser.GetAsync($"{bff.Url}/bff/login");

        var cookies = response.SetCookies.ToList();
        Assert.Contains(cookies, c => c.StartsWith("__Host-bff.correlation.", StringComparison.Ordinal));
        Assert.Contains(cookies, c => c.StartsWith("__Host-bff.nonce.", StringComparison.Ordinal));
        Assert.All(cookies, c =>
        {
            Assert.Contains("secure", c, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("httponly", c, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=none", c, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("path=/;", c + ";", StringComparison.OrdinalIgnoreCase); // __Host-: Path=/, no Domain
            Assert.DoesNotContain("domain=", c, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("/%2F%2Fevil.example")]
    [InlineData("/%5Cevil.example")]
    [InlineData("%2F%2Fevil.example")]
    [InlineData("/%09/evil.example")]
    [InlineData("javascript:alert(1)")]
    public async Task Login_with_a_non_local_returnUrl_is_400_and_no_redirect(string returnUrl)
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();

        var response = await browser.GetAsync($"{bff.Url}/bff/login?returnUrl={Uri.EscapeDataString(returnUrl)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Null(response.Location);
        Assert.Empty(response.SetCookies);
    }

    [Fact]
    public async Task Login_completes_with_one_small_httponly_host_cookie_and_returns_to_returnUrl()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();

        var callback = await browser.LoginAsync(bff.Url, returnUrl: "/orders?tab=open");

        Assert.Equal(HttpStatusCode.Redirect, callback.Status);
        Assert.Equal("/orders?tab=open", callback.Headers.Location!.OriginalString);
        var session = Assert.Single(callback.SetCookies, c => c.StartsWith("__Host-bff=", StringComparison.Ordinal));
        Assert.Contains("path=/", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", session, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("domain=", session, StringComparison.OrdinalIgnoreCase);
        var value = session[..session.IndexOf(';', StringComparison.Ordinal)];
        Assert.True(value.Length < 1024, $"the session cookie is {value.Length} bytes");
    }

    [Fact]
    public async Task Callback_redeems_the_code_with_the_pkce_verifier_and_client_secret_post()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();

        await browser.LoginAsync(bff.Url);

        var redemption = Assert.Single(env.Idp.Grants(bff.ClientId, "authorization_code"));
        Assert.Equal(200, redemption.Status);
        Assert.Equal(bff.ClientSecret, redemption.Field("client_secret"));
        Assert.True(redemption.Field("code_verifier")?.Length >= 43);
        Assert.Null(redemption.Header("Authorization"));
    }

    [Fact]
    public async Task Callback_redeems_the_code_with_client_secret_basic_when_configured()
    {
        await using var bff = await env.StartBffAsync(s => s["Bff:Oidc:ClientAuthentication"] = "client_secret_basic");
        using var browser = new TestBrowser();

        await browser.LoginAsync(bff.Url);

        var redemption = Assert.Single(env.Idp.Grants(bff.ClientId, "authorization_code"));
        Assert.Equal(200, redemption.Status);
        Assert.Null(redemption.Field("client_secret"));
        Assert.StartsWith("Basic ", redemption.Header("Authorization"), StringComparison.Ordinal);
        Assert.True(redemption.Field("code_verifier")?.Length >= 43);
    }

    [Fact]
    public async Task Callback_with_an_unknown_state_shows_an_error_page_and_creates_no_session()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();

        var response = await browser.GetAsync($"{bff.Url}/signin-oidc?code=forged&state=forged");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains("login-error", response.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(response.SetCookies, c => c.StartsWith("__Host-bff=", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
    }

    [Fact]
    public async Task Callback_replayed_with_the_same_state_and_code_shows_an_error_page_and_creates_no_new_session()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        var callback = await browser.LoginAsync(bff.Url);
        var callbackUrl = callback.RequestUri.ToString();

        using var attacker = new TestBrowser();
        var replay = await attacker.GetAsync(callbackUrl);

        Assert.Equal(HttpStatusCode.BadRequest, replay.Status);
        Assert.DoesNotContain(replay.SetCookies, c => c.StartsWith("__Host-bff=", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, (await attacker.ApiAsync($"{bff.Url}/bff/user")).Status);
    }

    [Fact]
    public async Task Callback_replayed_in_the_same_browser_does_not_redeem_the_code_twice()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        var callback = await browser.LoginAsync(bff.Url);

        var replay = await browser.GetAsync(callback.RequestUri.ToString());

        Assert.Equal(HttpStatusCode.BadRequest, replay.Status);
        Assert.Single(env.Idp.Grants(bff.ClientId, "authorization_code"));
    }

    [Fact]
    public async Task Callback_with_an_error_from_the_idp_shows_an_error_page_and_creates_no_session()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        var login = await browser.GetAsync($"{bff.Url}/bff/login");
        var state = AuthorizationRequests.Parameters(env.Idp, login)["state"];

        var response = await browser.GetAsync($"{bff.Url}/signin-oidc?error=access_denied&state={Uri.EscapeDataString(state)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains("login-error", response.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
    }

    [Fact]
    public async Task Wrong_password_at_the_idp_does_not_log_in()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        var loginPage = await browser.FollowAsync(await browser.GetAsync($"{bff.Url}/bff/login"));

        var response = await browser.SubmitLoginAsync(loginPage, "alice", "wrong");

        Assert.Contains("login-error", response.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
    }
}
