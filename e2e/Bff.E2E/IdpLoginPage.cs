using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Bff.E2E;

/// <summary>The dev IdP's login page, as a user fills it in.</summary>
internal static class IdpLoginPage
{
    public static async Task LogInAsync(IPage page, string username, string password)
    {
        await Expect(page.Locator("#login-form")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await page.FillAsync("#username", username);
        await page.FillAsync("#password", password);
        await page.ClickAsync("#login-button");
    }
}
