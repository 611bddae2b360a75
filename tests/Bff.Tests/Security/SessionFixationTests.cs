using System.Net;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Security;

/// <summary>
/// A completed login always creates a new session: a new key and cookie value (no session
/// fixation), the new user's claims and tokens (no identity confusion), and the session the
/// browser held before ended, its refresh token revoked. With every store, for the same user and
/// for another one, with SameSite=Strict and Lax. The browser reaches the BFF as
/// <c>localhost</c> and the provider as <c>127.0.0.1</c>, two sites, so the provider's redirect
/// to the callback is cross-site and <see cref="TestBrowser"/> withholds a Strict session cookie
/// on it (and sends a Lax one), as Chromium does.
/// </summary>
[Collection(IntegrationCollection.Name)]
[Trait("Category", "Adversarial")]
public sealed class SessionFixationTests(IdpFixture env)
{
    private const string CookieName = "__Host-bff";

    public static TheoryData<string, bool, string> Cases()
    {
        var cases = new TheoryData<string, bool, string>();
        foreach (var store in new[] { "Memory", "Sqlite", "Redis" })
        {
            foreach (var otherUser in new[] { true, false })
            {
                foreach (var sameSite in new[] { "Strict", "Lax" })
                {
                    cases.Add(store, otherUser, sameSite);
                }
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_second_login_in_the_same_browser_gets_a_new_session_and_ends_the_first(string store, bool otherUser, string sameSite)
    {
        await using var redis = store == "Redis" ? await RedisServer.StartAsync() : null;
        await using var bff = await env.StartBffAsync(settings =>
        {
            settings["Bff:Session:Store"] = store;
            settings["Bff:Session:CookieSameSite"] = sameSite;
            if (redis is not null)
            {
                settings["Bff:Session:Redis"] = redis.ConnectionString;
            }
        });
        var bffUrl = OnAnotherSite(bff.Url);
        using var browser = new TestBrowser();
        await browser.LoginAsync(bffUrl, "alice", "alice");
        var aliceCookie = browser.CookieValue(bffUrl, CookieName)!;
        var aliceRefreshToken = IssuedTokens.From(env.Idp, bff.ClientId).RefreshTokens.Single();
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bffUrl}/api/hello")).Status);

        var user = otherUser ? "bob" : "alice";
        var callback = await browser.LoginAsync(bffUrl, user, user, prompt: "login");
        Assert.Equal(HttpStatusCode.Redirect, callback.Status);

        // The provider's redirect to the callback is cross-site: a Lax session cookie comes with it, a Strict one does not.
        Assert.True(callback.CrossSite);
        Assert.Equal(sameSite == "Lax", callback.SentCookies.Contains($"{CookieName}={aliceCookie}", StringComparison.Ordinal));

        var newCookie = browser.CookieValue(bffUrl, CookieName)!;
        Assert.NotEqual(aliceCookie, newCookie);
        var claims = new UserClaims((await browser.ApiAsync($"{bffUrl}/bff/user")).Body);
        Assert.Equal(user, claims.Value("sub"));
        var newRefreshToken = IssuedTokens.From(env.Idp, bff.ClientId).RefreshTokens.Last();
        Assert.NotEqual(aliceRefreshToken, newRefreshToken);

        // The first session is gone: its cookie no longer works, and its refresh token was revoked.
        using var replay = new TestBrowser();
        replay.Cookies.Add(new Cookie(CookieName, aliceCookie, "/", "localhost"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await replay.ApiAsync($"{bffUrl}/bff/user")).Status);
        Assert.Single(env.Idp.Recorder.To("/connect/revoke"), r => r.Field("token") == aliceRefreshToken && r.Status == 200);

        // The API gets the new user's token: a refresh uses the new session's refresh token.
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bffUrl}/api/hello")).Status);
        bff.Time.Advance(TimeSpan.FromHours(2));
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bffUrl}/api/hello")).Status);
        var refresh = env.Idp.Grants(bff.ClientId, "refresh_token").Last();
        Assert.Equal(newRefreshToken, refresh.Field("refresh_token"));
    }

    [Fact]
    public async Task A_login_whose_callback_carries_no_session_cookie_still_ends_the_session_the_login_started_from()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url, "alice", "alice");
        var aliceCookie = browser.CookieValue(bff.Url, CookieName)!;

        // As a SameSite=Strict cookie on the provider's cross-site redirect: /bff/login sees the
        // session, the callback does not.
        var start = await browser.GetAsync($"{bff.Url}/bff/login?prompt=login");
        browser.Cookies.GetCookies(new Uri(bff.Url))[CookieName]!.Expired = true;
        var loginPage = await browser.FollowAsync(start);
        var callback = await browser.FollowAsync(await browser.SubmitLoginAsync(loginPage, "bob", "bob"), r => r.RequestUri.AbsolutePath == "/signin-oidc");
        Assert.Equal(HttpStatusCode.Redirect, callback.Status);

        using var replay = new TestBrowser();
        replay.Cookies.Add(new Cookie(CookieName, aliceCookie, "/", "127.0.0.1"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await replay.ApiAsync($"{bff.Url}/bff/user")).Status);
        Assert.Equal("bob", new UserClaims((await browser.ApiAsync($"{bff.Url}/bff/user")).Body).Value("sub"));
    }

    [Fact]
    public async Task A_login_started_before_the_browser_had_a_session_still_ends_the_session_its_callback_carries()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();

        // One tab starts a login while the browser has no session yet: its state remembers none.
        var bobsStart = await browser.GetAsync($"{bff.Url}/bff/login?prompt=login");

        // Another tab logs in as alice.
        await browser.LoginAsync(bff.Url, "alice", "alice");
        var aliceCookie = browser.CookieValue(bff.Url, CookieName)!;

        // The first tab completes as bob: only the cookie on its callback names alice's session.
        var loginPage = await browser.FollowAsync(bobsStart);
        var callback = await browser.FollowAsync(await browser.SubmitLoginAsync(loginPage, "bob", "bob"), r => r.RequestUri.AbsolutePath == "/signin-oidc");
        Assert.Equal(HttpStatusCode.Redirect, callback.Status);
        Assert.Contains($"{CookieName}={aliceCookie}", callback.SentCookies, StringComparison.Ordinal);

        using var replay = new TestBrowser();
        replay.Cookies.Add(new Cookie(CookieName, aliceCookie, "/", "127.0.0.1"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await replay.ApiAsync($"{bff.Url}/bff/user")).Status);
        Assert.Equal("bob", new UserClaims((await browser.ApiAsync($"{bff.Url}/bff/user")).Body).Value("sub"));
    }

    /// <summary>The BFF's URL with <c>localhost</c> for its host: another site than the provider's 127.0.0.1.</summary>
    private static string OnAnotherSite(string bffUrl) => $"http://localhost:{new Uri(bffUrl).Port}";
}
