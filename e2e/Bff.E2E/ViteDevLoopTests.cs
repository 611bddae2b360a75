using Bff.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bff.E2E;

/// <summary>
/// A frontend developer's loop (README, "Frontend development"): the Vite dev server in front of the
/// running BFF. The browser only ever talks to the dev server's origin, the OIDC redirects come
/// back to it, and the SPA works there as it does served by the BFF.
/// </summary>
[Collection(DemoCollection.Name)]
public sealed class ViteDevLoopTests(DemoFixture demo)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = 20_000 };

    [Fact]
    public async Task Through_the_vite_dev_server_a_user_logs_in_lands_back_on_it_calls_the_api_and_logs_out()
    {
        await using var vite = await ViteDevServer.StartAsync(AppProcess.RepoRoot(), ["run", "dev", "--workspace", "client-app", "--", "--port", "0"], new Dictionary<string, string> { ["BFF_URL"] = demo.Bff.Url });
        await using var context = await demo.Browser.NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        var requested = new List<string>();
        page.Request += (_, request) =>
        {
            lock (requested)
            {
                requested.Add(request.Url);
            }
        };

        await page.GotoAsync(vite.Url);
        await Expect(page.Locator("#anonymous")).ToBeVisibleAsync(Visible);
        Assert.Equal(1, await page.Locator("script[src='/@vite/client']").CountAsync()); // served by Vite (hot reload), not the BFF's build

        await page.ClickAsync("#login");
        await IdpLoginPage.LogInAsync(page, "alice", "alice");
        await Expect(page.Locator("#user-name")).ToHaveTextAsync("Alice Smith", new() { Timeout = 20_000 });
        await Expect(page).ToHaveURLAsync($"{vite.Url}/"); // the BFF's callback sent the browser back to the dev server's page

        await page.ClickAsync("#call-api");
        await Expect(page.Locator("#api-result")).ToContainTextAsync("Hello from the sample API", new() { Timeout = 20_000 });

        await page.ClickAsync("#logout");
        await Expect(page.Locator("#anonymous")).ToBeVisibleAsync(Visible);
        await Expect(page).ToHaveURLAsync($"{vite.Url}/"); // through the BFF's signed-out callback, back to the page
        Assert.Equal(401, await page.EvaluateAsync<int>("async () => (await fetch('/bff/user', { headers: { 'X-CSRF': '1' } })).status"));

        // Every request went to the dev server or the IdP: the BFF's own port was never asked, and
        // the provider sent the browser back to the dev server's callbacks.
        List<string> urls;
        lock (requested)
        {
            urls = [.. requested];
        }

        Assert.All(urls, url => Assert.True(url.StartsWith($"{vite.Url}/", StringComparison.Ordinal) || url.StartsWith($"{demo.Idp.Url}/", StringComparison.Ordinal), url));
        Assert.Contains(urls, url => url.StartsWith($"{vite.Url}/signin-oidc?", StringComparison.Ordinal));
        Assert.Contains(urls, url => url.StartsWith($"{vite.Url}/signout-callback-oidc?", StringComparison.Ordinal));
    }
}
