using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bff.E2E;

[Collection(DemoCollection.Name)]
public sealed class LoginJourneyTests(DemoFixture demo)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = 20_000 };

    private async Task<(IBrowserContext Context, IPage Page)> NewPageAsync()
    {
        var context = await demo.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        return (context, page);
    }

    private static Task LogInAtTheIdpAsync(IPage page, string username, string password) =>
        IdpLoginPage.LogInAsync(page, username, password);

    [Fact]
    public async Task A_user_logs_in_calls_the_api_reloads_and_logs_out_everywhere()
    {
        var (context, page) = await NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(demo.Bff.Url);
        await Expect(page.Locator("#anonymous")).ToBeVisibleAsync(Visible);

        await page.ClickAsync("#login");
        await LogInAtTheIdpAsync(page, "alice", "alice");
        await Expect(page.Locator("#user-name")).ToHaveTextAsync("Alice Smith", new() { Timeout = 20_000 });
        Assert.StartsWith(demo.Bff.Url, page.Url, StringComparison.Ordinal);

        await page.ClickAsync("#call-api");
        await Expect(page.Locator("#api-result")).ToContainTextAsync("Hello from the sample API", new() { Timeout = 20_000 });

        // The browser holds one HttpOnly, Secure, SameSite=Strict session cookie and no token anywhere.
        var cookies = await context.CookiesAsync([demo.Bff.Url]);
        var session = Assert.Single(cookies, c => c.Name == "__Host-bff");
        Assert.True(session.HttpOnly);
        Assert.True(session.Secure);
        Assert.Equal(SameSiteAttribute.Strict, session.SameSite);
        Assert.Equal("/", session.Path);
        Assert.True(session.Value.Length < 1024);
        var script = await page.EvaluateAsync<string>(
            "() => JSON.stringify({ cookie: document.cookie, local: Object.entries(localStorage), session: Object.entries(sessionStorage) })");
        Assert.DoesNotContain("__Host-bff", script, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ", script, StringComparison.Ordinal); // no JWT (access or ID token)
        Assert.DoesNotContain("token", script, StringComparison.OrdinalIgnoreCase);

        await page.ReloadAsync();
        await Expect(page.Locator("#user-name")).ToHaveTextAsync("Alice Smith", new() { Timeout = 20_000 });

        await page.ClickAsync("#logout");
        await Expect(page.Locator("#anonymous")).ToBeVisibleAsync(Visible);
        Assert.DoesNotContain(await context.CookiesAsync([demo.Bff.Url]), c => c.Name == "__Host-bff");

        // Logged out at the IdP too: a new login asks for credentials again.
        await page.ClickAsync("#login");
        await Expect(page.Locator("#login-form")).ToBeVisibleAsync(Visible);
    }

    [Fact]
    public async Task A_second_user_sees_their_own_name_and_the_api_sees_their_subject()
    {
        var (context, page) = await NewPageAsync();
        await using var _ = context;

        await page.GotoAsync(demo.Bff.Url);
        await page.ClickAsync("#login");
        await LogInAtTheIdpAsync(page, "bob", "bob");
        await Expect(page.Locator("#user-name")).ToHaveTextAsync("Bob Smith", new() { Timeout = 20_000 });

        await page.ClickAsync("#call-api");
        await Expect(page.Locator("#api-result")).ToContainTextAsync("\"name\": \"Bob Smith\"", new() { Timeout = 20_000 });
    }

    [Fact]
    public async Task A_second_login_in_the_same_browser_replaces_the_first_users_session()
    {
        var (context, page) = await NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(demo.Bff.Url);
        await page.ClickAsync("#login");
        await LogInAtTheIdpAsync(page, "alice", "alice");
        await Expect(page.Locator("#user-name")).ToHaveTextAsync("Alice Smith", new() { Timeout = 20_000 });
        var alicesCookie = Assert.Single(await context.CookiesAsync([demo.Bff.Url]), c => c.Name == "__Host-bff");

        // Someone else logs in on the same computer (the BFF's cookie still there).
        await page.GotoAsync($"{demo.Bff.Url}/bff/login?prompt=login");
        await LogInAtTheIdpAsync(page, "bob", "bob");
        await Expect(page.Locator("#user-name")).ToHaveTextAsync("Bob Smith", new() { Timeout = 20_000 });
        await page.ClickAsync("#call-api");
        await Expect(page.Locator("#api-result")).ToContainTextAsync("\"name\": \"Bob Smith\"", new() { Timeout = 20_000 });

        var bobsCookie = Assert.Single(await context.CookiesAsync([demo.Bff.Url]), c => c.Name == "__Host-bff");
        Assert.NotEqual(alicesCookie.Value, bobsCookie.Value);

        // Alice's cookie, replayed from elsewhere, no longer opens anything.
        await using var other = await demo.Browser.NewContextAsync();
        var replay = await other.APIRequest.GetAsync($"{demo.Bff.Url}/bff/user", new()
        {
            Headers = new Dictionary<string, string> { ["Cookie"] = $"{alicesCookie.Name}={alicesCookie.Value}", ["X-CSRF"] = "1" },
        });
        Assert.Equal(401, replay.Status);
    }

    [Fact]
    public async Task An_api_call_from_page_script_without_the_csrf_header_is_rejected()
    {
        var (context, page) = await NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(demo.Bff.Url);
        await page.ClickAsync("#login");
        await LogInAtTheIdpAsync(page, "alice", "alice");
        await Expect(page.Locator("#user-name")).ToBeVisibleAsync(Visible);

        var withoutHeader = await page.EvaluateAsync<int>("async () => (await fetch('/api/hello')).status");
        var withHeader = await page.EvaluateAsync<int>("async () => (await fetch('/api/hello', { headers: { 'X-CSRF': '1' } })).status");

        Assert.Equal(401, withoutHeader);
        Assert.Equal(200, withHeader);
    }

    [Fact]
    public async Task Signing_out_at_the_idp_ends_the_spa_session_through_the_back_channel()
    {
        var (context, page) = await NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(demo.Bff.Url);
        await page.ClickAsync("#login");
        await LogInAtTheIdpAsync(page, "alice", "alice");
        await Expect(page.Locator("#user-name")).ToHaveTextAsync("Alice Smith", new() { Timeout = 20_000 });

        // The user signs out at the IdP in another tab; the IdP notifies the BFF (back-channel logout).
        var idpPage = await context.NewPageAsync();
        await idpPage.GotoAsync($"{demo.Idp.Url}/");
        await idpPage.ClickAsync("#idp-logout");
        await Expect(idpPage.Locator("#idp-logout")).ToHaveCountAsync(0, new() { Timeout = 20_000 });

        // The SPA's next API call gets 401 and the SPA shows the logged-out state.
        await page.BringToFrontAsync();
        await page.ClickAsync("#call-api");
        await Expect(page.Locator("#session-ended")).ToBeVisibleAsync(Visible);
        await Expect(page.Locator("#anonymous")).ToBeVisibleAsync(Visible);
        Assert.Equal(401, await page.EvaluateAsync<int>("async () => (await fetch('/bff/user', { headers: { 'X-CSRF': '1' } })).status"));
    }

    private const string SilentLoginScript = """
        () => new Promise((resolve) => {
          const frame = document.createElement('iframe');
          frame.style.display = 'none';
          const timer = setTimeout(() => resolve('timeout'), 15000);
          window.addEventListener('message', (e) => {
            if (e.origin === location.origin && e.data && e.data.source === 'bff-silent-login') {
              clearTimeout(timer);
              resolve(String(e.data.isLoggedIn));
            }
          });
          frame.src = '/bff/silent-login';
          document.body.appendChild(frame);
        })
        """;

    [Fact]
    public async Task Silent_login_in_a_hidden_iframe_reports_the_idp_session_to_the_spa()
    {
        var (context, page) = await NewPageAsync();
        await using var _ = context;
        await page.GotoAsync(demo.Bff.Url);
        await Expect(page.Locator("#anonymous")).ToBeVisibleAsync(Visible);

        Assert.Equal("false", await page.EvaluateAsync<string>(SilentLoginScript)); // no IdP session: no login page, just "no"

        await page.ClickAsync("#login");
        await LogInAtTheIdpAsync(page, "alice", "alice");
        await Expect(page.Locator("#user-name")).ToBeVisibleAsync(Visible);
        await context.ClearCookiesAsync(new() { Name = "__Host-bff" }); // the BFF session is gone, the IdP's is not
        await page.ReloadAsync();
        await Expect(page.Locator("#anonymous")).ToBeVisibleAsync(Visible);

        Assert.Equal("true", await page.EvaluateAsync<string>(SilentLoginScript));
        await page.ReloadAsync();
        await Expect(page.Locator("#user-name")).ToHaveTextAsync("Alice Smith", new() { Timeout = 20_000 });
    }
}
