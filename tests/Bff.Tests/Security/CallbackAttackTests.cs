using System.Net;
using Bff.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;

namespace Bff.Tests.Security;

/// <summary>Tampering with the IdP's authorization response on its way back to the BFF.</summary>
[Collection(IntegrationCollection.Name)]
[Trait("Category", "Adversarial")]
public sealed class CallbackAttackTests(IdpFixture env)
{
    /// <summary>Logs in up to the IdP's redirect to the callback, and returns that redirect's target without following it.</summary>
    private static Task<Uri> CallbackUrlAsync(TestBrowser browser, TestBff bff) => browser.CallbackUrlAsync(bff.Url);

    private static string WithQuery(Uri url, Func<Dictionary<string, string>, Dictionary<string, string>> change)
    {
        var query = QueryHelpers.ParseQuery(url.Query).ToDictionary(q => q.Key, q => q.Value.ToString());
        return QueryHelpers.AddQueryString(url.GetLeftPart(UriPartial.Path), change(query)!);
    }

    [Fact]
    public async Task The_idp_sends_iss_and_the_untampered_callback_logs_in()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        var callback = await CallbackUrlAsync(browser, bff);

        Assert.Equal($"{env.Idp.Url}/", QueryHelpers.ParseQuery(callback.Query)["iss"].ToString());
        var response = await browser.GetAsync(callback.ToString());
        Assert.Equal(HttpStatusCode.Redirect, response.Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
    }

    [Theory]
    [InlineData("missing")]
    [InlineData("http://evil.example/")]
    [InlineData("")]
    public async Task Callback_with_a_missing_or_wrong_iss_is_refused_rfc9207(string iss)
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        var callback = await CallbackUrlAsync(browser, bff);
        var tampered = WithQuery(callback, q =>
        {
            q.Remove("iss");
            if (iss != "missing")
            {
                q["iss"] = iss;
            }

            return q;
        });

        var response = await browser.GetAsync(tampered);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Contains("login-error", response.Body, StringComparison.Ordinal);
        Assert.Empty(env.Idp.Grants(bff.ClientId, "authorization_code")); // the code was never redeemed
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
    }

    [Fact]
    public async Task Callback_with_a_forged_state_is_refused()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        var callback = await CallbackUrlAsync(browser, bff);

        var response = await browser.GetAsync(WithQuery(callback, q => { q["state"] = "forged" + q["state"][6..]; return q; }));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Empty(env.Idp.Grants(bff.ClientId, "authorization_code"));
    }

    [Fact]
    public async Task Code_issued_to_another_client_is_refused_at_redemption()
    {
        await using var victim = await env.StartBffAsync();
        await using var attacker = await env.StartBffAsync();
        using var attackerBrowser = new TestBrowser();
        using var victimBrowser = new TestBrowser();
        var attackerCallback = await CallbackUrlAsync(attackerBrowser, attacker);
        var victimLogin = await victimBrowser.GetAsync($"{victim.Url}/bff/login");
        var victimState = AuthorizationRequests.Parameters(env.Idp, victimLogin)["state"];

        // The victim's own state (so the correlation check passes), with a code minted for the other client.
        var injected = WithQuery(new Uri($"{victim.Url}/signin-oidc{attackerCallback.Query}"), q => { q["state"] = victimState; return q; });
        var response = await victimBrowser.GetAsync(injected);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        var redemption = Assert.Single(env.Idp.Grants(victim.ClientId, "authorization_code"));
        Assert.Equal(400, redemption.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await victimBrowser.ApiAsync($"{victim.Url}/bff/user")).Status);
    }

    /// <summary>
    /// Login CSRF by cookie tossing: the attacker logs in up to the callback in their own browser,
    /// then plants their correlation and nonce cookies in the victim's browser (from a sibling
    /// subdomain, or plain http) and sends the victim to their callback URL. The BFF's correlation
    /// and nonce cookies are __Host- prefixed, which browsers let only this host over https set:
    /// cookies under any other name, as a sibling could plant, are not read, and the callback fails.
    /// </summary>
    [Fact]
    public async Task A_callback_with_planted_correlation_cookies_under_another_name_is_refused()
    {
        await using var bff = await env.StartBffAsync();
        using var attacker = new TestBrowser();
        var callback = await CallbackUrlAsync(attacker, bff);
        var bffUri = new Uri(bff.Url);
        var attackersCookies = attacker.Cookies.GetCookies(bffUri).Where(c => c.Name.StartsWith("__Host-bff.", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, attackersCookies.Count); // correlation and nonce

        using var victim = new TestBrowser();
        foreach (var cookie in attackersCookies)
        {
            // What a sibling origin can set: the same value under a name without the __Host- prefix.
            victim.Cookies.Add(new System.Net.Cookie(cookie.Name["__Host-".Length..], cookie.Value, "/", bffUri.Host));
        }

        var response = await victim.GetAsync(callback.ToString());

        Assert.NotEqual(HttpStatusCode.Redirect, response.Status);
        Assert.Null(victim.CookieValue(bff.Url, "__Host-bff"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await victim.ApiAsync($"{bff.Url}/bff/user")).Status);
    }
}
