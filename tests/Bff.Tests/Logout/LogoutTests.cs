using System.Net;
using Bff.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;

namespace Bff.Tests.Logout;

[Collection(IntegrationCollection.Name)]
public sealed class LogoutTests(IdpFixture env)
{
    [Fact]
    public async Task Logout_with_a_wrong_sid_is_400_and_keeps_the_session()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);

        var response = await browser.GetAsync($"{bff.Url}/bff/logout?sid=not-my-session");
        var missing = await browser.GetAsync($"{bff.Url}/bff/logout");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(HttpStatusCode.BadRequest, missing.Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
    }

    [Fact]
    public async Task Logout_revokes_the_refresh_token_ends_the_session_and_redirects_to_end_session_with_id_token_hint()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var claims = new UserClaims((await browser.ApiAsync($"{bff.Url}/bff/user")).Body);
        var refreshToken = IssuedTokens.From(env.Idp, bff.ClientId).RefreshTokens.Single();

        var response = await browser.GetAsync($"{bff.Url}{claims.LogoutUrl}&returnUrl=/goodbye");

        Assert.Equal(HttpStatusCode.Redirect, response.Status);
        Assert.StartsWith($"{env.Idp.Url}/connect/endsession", response.Location!.ToString(), StringComparison.Ordinal);
        var query = QueryHelpers.ParseQuery(response.Location.Query);
        Assert.False(string.IsNullOrEmpty(query["id_token_hint"]));
        Assert.Equal($"{bff.Url}/signout-callback-oidc", query["post_logout_redirect_uri"].ToString());
        Assert.Contains("no-store", response.Header("Cache-Control"), StringComparison.Ordinal);

        var revocation = Assert.Single(env.Idp.Recorder.To("/connect/revoke"), r => r.Field("token") == refreshToken);
        Assert.Equal(200, revocation.Status);
        Assert.Equal("refresh_token", revocation.Field("token_type_hint"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);

        // The IdP ends its session and comes back; the BFF then sends the user to returnUrl.
        var back = await browser.FollowAsync(response, r => r.RequestUri.Port == new Uri(bff.Url).Port && r.RequestUri.AbsolutePath == "/signout-callback-oidc");
        var final = await browser.GetAsync(back.RequestUri.ToString());
        Assert.Equal("/goodbye", final.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Logout_session_cookie_replayed_afterwards_is_401()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var cookie = browser.CookieValue(bff.Url, "__Host-bff")!;
        var claims = new UserClaims((await browser.ApiAsync($"{bff.Url}/bff/user")).Body);

        await browser.GetAsync($"{bff.Url}{claims.LogoutUrl}");

        using var replay = new TestBrowser();
        var response = await replay.GetAsync($"{bff.Url}/bff/user", ("X-CSRF", "1"), ("Cookie", $"__Host-bff={cookie}"));
        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        var proxied = await replay.GetAsync($"{bff.Url}/api/hello", ("X-CSRF", "1"), ("Cookie", $"__Host-bff={cookie}"));
        Assert.Equal(HttpStatusCode.Unauthorized, proxied.Status);
    }

    [Fact]
    public async Task Logout_with_a_non_local_returnUrl_is_400()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var claims = new UserClaims((await browser.ApiAsync($"{bff.Url}/bff/user")).Body);

        var response = await browser.GetAsync($"{bff.Url}{claims.LogoutUrl}&returnUrl={Uri.EscapeDataString("https://evil.example")}");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
    }

    [Fact]
    public async Task Logout_when_anonymous_redirects_to_returnUrl()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();

        var response = await browser.GetAsync($"{bff.Url}/bff/logout?sid=x&returnUrl=/bye");

        Assert.Equal(HttpStatusCode.Redirect, response.Status);
        Assert.Equal("/bye", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Logout_completes_when_the_idp_has_no_revocation_endpoint()
    {
        env.Idp.Recorder.RewriteBody = (path, body) => path == "/.well-known/openid-configuration"
            ? System.Text.RegularExpressions.Regex.Replace(body, "\"revocation_endpoint\":\\s*\"[^\"]*\",?", string.Empty)
            : body;
        try
        {
            await using var bff = await env.StartBffAsync();
            using var browser = new TestBrowser();
            await browser.LoginAsync(bff.Url);
            var claims = new UserClaims((await browser.ApiAsync($"{bff.Url}/bff/user")).Body);
            var revocationsBefore = env.Idp.Recorder.To("/connect/revoke").Count();

            var response = await browser.GetAsync($"{bff.Url}{claims.LogoutUrl}");

            Assert.Equal(HttpStatusCode.Redirect, response.Status);
            Assert.Equal(revocationsBefore, env.Idp.Recorder.To("/connect/revoke").Count());
            Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
        }
        finally
        {
            env.Idp.Recorder.RewriteBody = null;
        }
    }

    [Fact]
    public async Task Logout_completes_when_revocation_fails()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var claims = new UserClaims((await browser.ApiAsync($"{bff.Url}/bff/user")).Body);

        env.Idp.Recorder.FailPathPrefix = "/connect/revoke";
        BrowserResponse response;
        try
        {
            response = await browser.GetAsync($"{bff.Url}{claims.LogoutUrl}");
        }
        finally
        {
            env.Idp.Recorder.FailPathPrefix = null;
        }

        Assert.Equal(HttpStatusCode.Redirect, response.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
    }
}
