using System.Net;
using OpenBff.SessionCache;
using Bff.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bff.Tests.Configuration;

/// <summary>
/// Issue 15, item 7 (memory under churn): the session cookie's cache of decrypted cookies holds
/// the cookies of the last minutes, not one per login since the process started. Before, a cookie
/// used once stayed until 10,000 had been seen (33 minutes of 5 logins a second, about 2 KB each).
/// Real logins through the dev IdP; the BFF's clock is a fake one.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class CookieCacheExpiryTests(IdpFixture env)
{
    [Fact]
    public async Task Cookies_not_used_for_longer_than_the_cache_lifetime_leave_the_cache_on_the_next_login()
    {
        await using var bff = await env.StartBffAsync();
        var cache = CookieCache(bff);
        var earlier = new List<TestBrowser>();
        for (var i = 0; i < 3; i++)
        {
            var browser = new TestBrowser();
            earlier.Add(browser);
            await LoginAndUseAsync(browser, bff.Url);
        }

        Assert.Equal(3, cache.Count);

        bff.Time.Advance(TimeSpan.FromMinutes(6)); // past the 5-minute lifetime and the 1-minute sweep interval
        using (var later = new TestBrowser())
        {
            await LoginAndUseAsync(later, bff.Url);
        }

        Assert.Equal(1, cache.Count); // the three earlier cookies are gone; only the new login's is kept

        // Their sessions are not: a cookie swept out is decrypted again and remembered anew.
        Assert.Equal(HttpStatusCode.OK, (await earlier[0].ApiAsync($"{bff.Url}/bff/user")).Status);
        Assert.Equal(2, cache.Count);
        earlier.ForEach(b => b.Dispose());
    }

    private static async Task LoginAndUseAsync(TestBrowser browser, string bffUrl)
    {
        await browser.LoginAsync(bffUrl);
        var user = await browser.ApiAsync($"{bffUrl}/bff/user"); // the first request with the cookie decrypts it
        Assert.Equal(HttpStatusCode.OK, user.Status);
    }

    private static CachingCookieTicketFormat CookieCache(TestBff bff) =>
        Assert.IsType<CachingCookieTicketFormat>(
            bff.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(BffDefaults.CookieScheme).TicketDataFormat);
}
