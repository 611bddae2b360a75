using System.Collections.Concurrent;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bff.E2E;

/// <summary>
/// A completed login in Chromium always starts a new session (new key, new cookie value, the new
/// user's identity) and ends the one the browser held, revoking its refresh token at the provider:
/// for every session store, for the same user and another one, with the session cookie
/// <c>SameSite=Strict</c> and <c>Lax</c>. The IdP is on another site than the BFF (127.0.0.1 vs
/// localhost), so its redirect to the callback is a cross-site navigation: Chromium sends a Lax
/// cookie on it and withholds a Strict one, and each case checks which one it got.
/// </summary>
[Collection(DemoCollection.Name)]
public sealed class SessionFixationMatrixTests(DemoFixture demo)
{
    private const string CookieName = "__Host-bff";
    private static readonly LocatorAssertionsToHaveTextOptions Shown = new() { Timeout = 20_000 };

    public static TheoryData<string, string, bool> Cases()
    {
        var cases = new TheoryData<string, string, bool>();
        foreach (var store in CrossSiteBffs.Stores)
        {
            foreach (var sameSite in CrossSiteBffs.SameSites)
            {
                foreach (var otherUser in new[] { true, false })
                {
                    cases.Add(store, sameSite, otherUser);
                }
            }
        }

        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_second_login_in_the_same_browser_gets_a_new_session_and_ends_the_first(string store, string sameSite, bool otherUser)
    {
        var bff = await demo.CrossSiteBffs.GetAsync(store, sameSite);
        await using var context = await demo.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);

        var aliceTokensBefore = await demo.IdpRefreshTokens.IdsAsync("alice");
        await page.GotoAsync(bff.Url);
        await page.ClickAsync("#login");
        await IdpLoginPage.LogInAsync(page, "alice", "alice");
        await Expect(page.Locator("#user-name")).ToHaveTextAsync("Alice Smith", Shown);
        var first = Assert.Single(await context.CookiesAsync([bff.Url]), c => c.Name == CookieName);
        Assert.Equal(sameSite, first.SameSite.ToString());
        var firstRefreshToken = Assert.Single((await demo.IdpRefreshTokens.IdsAsync("alice")).Except(aliceTokensBefore));
        Assert.Equal("valid", await demo.IdpRefreshTokens.StatusAsync(firstRefreshToken));

        // A second login in the same browser, the first session's cookie still there.
        var callbacks = new ConcurrentQueue<IRequest>();
        page.Request += (_, request) =>
        {
            if (new Uri(request.Url).AbsolutePath == "/signin-oidc")
            {
                callbacks.Enqueue(request);
            }
        };
        var (user, name) = otherUser ? ("bob", "Bob Smith") : ("alice", "Alice Smith");
        await page.GotoAsync($"{bff.Url}/bff/login?prompt=login");
        await IdpLoginPage.LogInAsync(page, user, user);
        await Expect(page.Locator("#user-name")).ToHaveTextAsync(name, Shown);

        // The provider's redirect to the callback is cross-site: Lax sends the session cookie, Strict does not.
        var callback = Assert.Single(callbacks);
        var sentCookies = await callback.HeaderValueAsync("cookie") ?? string.Empty;
        Assert.Equal(sameSite == "Lax", sentCookies.Contains($"{CookieName}={first.Value}", StringComparison.Ordinal));

        // A new session: a new cookie value, the new login's user.
        var second = Assert.Single(await context.CookiesAsync([bff.Url]), c => c.Name == CookieName);
        Assert.NotEqual(first.Value, second.Value);
        Assert.Equal(user, await page.EvaluateAsync<string>(
            "async () => (await (await fetch('/bff/user', { headers: { 'X-CSRF': '1' } })).json()).find(c => c.type === 'sub').value"));

        // The first session is gone from the store (its cookie, replayed, opens nothing) and its refresh token was revoked.
        await using var other = await demo.Browser.NewContextAsync();
        var replay = await other.APIRequest.GetAsync($"{bff.Url}/bff/user", new()
        {
            Headers = new Dictionary<string, string> { ["Cookie"] = $"{CookieName}={first.Value}", ["X-CSRF"] = "1" },
        });
        Assert.Equal(401, replay.Status);
        Assert.Equal("revoked", await demo.IdpRefreshTokens.StatusAsync(firstRefreshToken));
    }
}
