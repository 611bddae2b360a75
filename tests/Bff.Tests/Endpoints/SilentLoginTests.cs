using System.Net;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Endpoints;

[Collection(IntegrationCollection.Name)]
public sealed class SilentLoginTests(IdpFixture env)
{
    [Fact]
    public async Task Silent_login_with_a_session_at_the_idp_creates_a_bff_session_and_reports_logged_in()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var oldSession = browser.CookieValue(bff.Url, "__Host-bff")!;
        browser.Cookies.GetCookies(new Uri(bff.Url))["__Host-bff"]!.Expired = true; // e.g. the browser dropped it

        var start = await browser.GetAsync($"{bff.Url}/bff/silent-login");
        Assert.Equal("none", AuthorizationRequests.Parameters(env.Idp, start)["prompt"]);
        var callback = await browser.FollowAsync(start);

        Assert.Equal(HttpStatusCode.OK, callback.Status);
        Assert.Equal("/bff/silent-login-callback", callback.RequestUri.AbsolutePath);
        Assert.Contains("isLoggedIn:true", callback.Body, StringComparison.Ordinal);
        Assert.Contains("window.location.origin", callback.Body, StringComparison.Ordinal);
        var newSession = browser.CookieValue(bff.Url, "__Host-bff");
        Assert.NotNull(newSession);
        Assert.NotEqual(oldSession, newSession);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
    }

    [Fact]
    public async Task Silent_login_without_a_session_at_the_idp_reports_logged_out_and_shows_no_login_page()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();

        var callback = await browser.FollowAsync(await browser.GetAsync($"{bff.Url}/bff/silent-login"));

        Assert.Equal(HttpStatusCode.OK, callback.Status);
        Assert.Equal("/bff/silent-login-callback", callback.RequestUri.AbsolutePath);
        Assert.Contains("isLoggedIn:false", callback.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(browser.Seen, r => r.Body.Contains("login-form", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
    }

    [Fact]
    public async Task Silent_login_that_the_provider_refuses_is_a_502_that_says_so_never_a_500()
    {
        await using var bff = await env.StartBffAsync(); // the provider accepts http://127.0.0.1 redirect URIs only
        using var browser = new TestBrowser();

        var response = await browser.GetAsync($"{bff.Url}/bff/silent-login", ("Host", "unregistered.example"));

        Assert.Equal(HttpStatusCode.BadGateway, response.Status);
        Assert.Contains("refused the login request", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silent_login_while_the_provider_cannot_be_reached_is_a_502_never_a_500()
    {
        using var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0); // a port nobody answers on
        closed.Start();
        var deadAuthority = $"http://127.0.0.1:{((IPEndPoint)closed.LocalEndpoint).Port}";
        closed.Stop();
        await using var bff = await env.StartBffAsync(settings => settings["Bff:Oidc:Authority"] = deadAuthority);
        using var browser = new TestBrowser();

        var response = await browser.GetAsync($"{bff.Url}/bff/silent-login");

        Assert.Equal(HttpStatusCode.BadGateway, response.Status);
        Assert.Contains("cannot be reached", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Silent_login_callback_can_be_framed_only_by_the_same_origin_and_runs_only_its_own_script()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();

        var page = await browser.GetAsync($"{bff.Url}/bff/silent-login-callback");

        Assert.Equal("SAMEORIGIN", page.Header("X-Frame-Options"));
        var csp = page.Header("Content-Security-Policy")!;
        Assert.Contains("frame-ancestors 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("script-src 'sha256-", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Login_and_logout_pages_cannot_be_framed()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();

        foreach (var path in new[] { "/bff/login", "/bff/logout", "/bff/user" })
        {
            var response = await browser.GetAsync($"{bff.Url}{path}");
            Assert.Equal("DENY", response.Header("X-Frame-Options"));
            Assert.Equal("nosniff", response.Header("X-Content-Type-Options"));
        }
    }

    [Fact]
    public async Task Login_passes_prompt_to_the_idp()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);

        var login = await browser.GetAsync($"{bff.Url}/bff/login?prompt=login");
        Assert.Equal("login", AuthorizationRequests.Parameters(env.Idp, login)["prompt"]);
        var page = await browser.FollowAsync(login);
        Assert.Contains("login-form", page.Body, StringComparison.Ordinal); // asked again although logged in at the IdP
    }

    [Fact]
    public async Task Login_with_prompt_none_ends_on_the_silent_login_callback_as_duende_v4_does()
    {
        await using var bff = await env.StartBffAsync();
        using var loggedIn = new TestBrowser();
        await loggedIn.LoginAsync(bff.Url);
        loggedIn.Cookies.GetCookies(new Uri(bff.Url))["__Host-bff"]!.Expired = true;
        using var stranger = new TestBrowser();

        var silent = await loggedIn.FollowAsync(await loggedIn.GetAsync($"{bff.Url}/bff/login?prompt=none&returnUrl=/orders"));
        var refused = await stranger.FollowAsync(await stranger.GetAsync($"{bff.Url}/bff/login?prompt=none"));

        Assert.Equal("/bff/silent-login-callback", silent.RequestUri.AbsolutePath);
        Assert.Contains("isLoggedIn:true", silent.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await loggedIn.ApiAsync($"{bff.Url}/bff/user")).Status);
        Assert.Equal("/bff/silent-login-callback", refused.RequestUri.AbsolutePath); // not the error page
        Assert.Contains("isLoggedIn:false", refused.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("none%20login")]
    public async Task Login_with_an_unknown_prompt_is_400(string prompt)
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();

        var response = await browser.GetAsync($"{bff.Url}/bff/login?prompt={prompt}");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
    }
}
