using System.Net;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Security;

/// <summary>
/// Anonymous login starts cannot be turned against the provider or the browser: they are limited
/// per client address (429, the provider not asked), and a browser never holds more than a few
/// unfinished logins' cookies.
/// </summary>
[Collection(IntegrationCollection.Name)]
[Trait("Category", "Adversarial")]
public sealed class LoginAmplificationTests(IdpFixture env)
{
    [Fact]
    public async Task Login_starts_beyond_the_rate_limit_are_429_and_never_reach_the_provider()
    {
        await using var bff = await env.StartBffAsync(settings =>
        {
            settings["Bff:Login:RateLimit"] = "5";
            settings["Bff:Login:RateLimitWindow"] = "00:10:00";
        });

        var statuses = new List<HttpStatusCode>();
        BrowserResponse? refused = null;
        for (var i = 0; i < 8; i++)
        {
            using var client = new TestBrowser(); // a new "browser" each time: the limit is per address
            var response = await client.GetAsync(i % 2 == 0 ? $"{bff.Url}/bff/login" : $"{bff.Url}/bff/silent-login");
            statuses.Add(response.Status);
            refused ??= response.Status == HttpStatusCode.TooManyRequests ? response : null;
        }

        Assert.Equal(Enumerable.Repeat(HttpStatusCode.Redirect, 5).Concat(Enumerable.Repeat(HttpStatusCode.TooManyRequests, 3)), statuses);
        Assert.True(int.Parse(refused!.Header("Retry-After")!, System.Globalization.CultureInfo.InvariantCulture) is > 0 and <= 600);
        Assert.Equal(5, env.Idp.Recorder.To("/connect/par").Count(r => r.Field("client_id") == bff.ClientId));
    }

    [Fact]
    public async Task A_browser_keeps_at_most_a_few_unfinished_logins_and_the_last_one_completes()
    {
        await using var bff = await env.StartBffAsync(settings => settings["Bff:Login:RateLimit"] = "0");
        using var browser = new TestBrowser();
        var bffUri = new Uri(bff.Url);
        int Pending(string prefix) => browser.Cookies.GetCookies(bffUri).Count(c => c.Name.StartsWith(prefix, StringComparison.Ordinal) && !c.Expired);

        for (var i = 0; i < 12; i++)
        {
            Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync($"{bff.Url}/bff/login")).Status);
            Assert.InRange(Pending("__Host-bff.correlation."), 1, 3);
            Assert.InRange(Pending("__Host-bff.nonce."), 1, 3);
        }

        var callback = await browser.LoginAsync(bff.Url);
        Assert.Equal(HttpStatusCode.Redirect, callback.Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
    }

    [Fact]
    public async Task A_login_beyond_the_pending_limit_drops_only_the_oldest_and_an_earlier_one_still_completes()
    {
        await using var bff = await env.StartBffAsync(settings => settings["Bff:Login:RateLimit"] = "0"); // 3 pending at most
        using var browser = new TestBrowser();
        var bffPort = new Uri(bff.Url).Port;
        bool IsCallback(BrowserResponse r) => r.RequestUri.Port == bffPort && r.RequestUri.AbsolutePath == "/signin-oidc";
        var loginPages = new List<BrowserResponse>();
        for (var i = 0; i < 4; i++) // four logins in four tabs: the fourth drops the first's cookies
        {
            loginPages.Add(await browser.FollowAsync(await browser.GetAsync($"{bff.Url}/bff/login")));
        }

        var second = await browser.FollowAsync(await browser.SubmitLoginAsync(loginPages[1], "alice", "alice"), IsCallback);
        var firstAuthorization = new Uri(loginPages[0].RequestUri, HtmlForm.Parse(loginPages[0], "login-form").Fields["returnUrl"]);
        var first = await browser.FollowAsync(await browser.GetAsync(firstAuthorization.ToString()), IsCallback); // signed in at the IdP now

        Assert.True(IsCallback(second));
        Assert.Equal(HttpStatusCode.Redirect, second.Status); // the second login completed: back to its returnUrl
        Assert.True(IsCallback(first));
        Assert.NotEqual(HttpStatusCode.Redirect, first.Status); // the oldest was dropped
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
    }

    [Fact]
    public async Task A_user_beyond_the_session_limit_loses_the_oldest_session_and_its_refresh_token()
    {
        await using var bff = await env.StartBffAsync(settings => settings["Bff:Session:MaxPerUser"] = "2");
        using var first = new TestBrowser();
        using var second = new TestBrowser();
        using var third = new TestBrowser();
        await first.LoginAsync(bff.Url);
        var firstRefreshToken = IssuedTokens.From(env.Idp, bff.ClientId).RefreshTokens.Single();
        bff.Time.Advance(TimeSpan.FromSeconds(1));
        await second.LoginAsync(bff.Url);
        bff.Time.Advance(TimeSpan.FromSeconds(1));

        await third.LoginAsync(bff.Url);

        Assert.Equal(HttpStatusCode.Unauthorized, (await first.ApiAsync($"{bff.Url}/bff/user")).Status);
        Assert.Equal(HttpStatusCode.OK, (await second.ApiAsync($"{bff.Url}/bff/user")).Status);
        Assert.Equal(HttpStatusCode.OK, (await third.ApiAsync($"{bff.Url}/bff/user")).Status);
        Assert.Single(env.Idp.Recorder.To("/connect/revoke"), r => r.Field("token") == firstRefreshToken && r.Status == 200);
    }
}
