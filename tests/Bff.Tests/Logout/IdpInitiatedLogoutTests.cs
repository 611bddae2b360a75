using System.Net;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Logout;

/// <summary>The real dev IdP sending back-channel logout tokens to the real BFF.</summary>
[Collection(IntegrationCollection.Name)]
public sealed class IdpInitiatedLogoutTests(IdpFixture env)
{
    [Fact]
    public async Task Signing_out_at_the_idp_ends_the_bff_session_through_the_back_channel()
    {
        await using var bff = await env.StartBffAsync();
        using var alice = new TestBrowser();
        using var bob = new TestBrowser();
        await alice.LoginAsync(bff.Url, "alice", "alice");
        await bob.LoginAsync(bff.Url, "bob", "bob");

        var home = await alice.GetAsync($"{env.Idp.Url}/");
        var token = System.Text.RegularExpressions.Regex.Match(home.Body, "name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"|value=\"([^\"]+)\"[^>]*name=\"__RequestVerificationToken\"");
        var form = new Dictionary<string, string> { ["__RequestVerificationToken"] = System.Net.WebUtility.HtmlDecode(token.Groups[1].Success ? token.Groups[1].Value : token.Groups[2].Value) };
        var signOut = await alice.SendAsync(HttpMethod.Post, $"{env.Idp.Url}/account/logout", new FormUrlEncodedContent(form));

        Assert.True(signOut.IsRedirect || signOut.Status == HttpStatusCode.OK, $"{signOut.Status}");
        Assert.Equal(HttpStatusCode.Unauthorized, (await alice.ApiAsync($"{bff.Url}/api/hello")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await alice.ApiAsync($"{bff.Url}/bff/user")).Status);
        Assert.Equal(HttpStatusCode.OK, (await bob.ApiAsync($"{bff.Url}/bff/user")).Status);
    }

    [Fact]
    public async Task Rp_initiated_logout_on_one_bff_ends_the_users_session_on_another_bff_of_the_same_idp_session()
    {
        await using var shop = await env.StartBffAsync();
        await using var admin = await env.StartBffAsync(s => s["Bff:Session:CookieName"] = "__Host-admin"); // same host name in tests
        using var browser = new TestBrowser();
        await browser.LoginAsync(shop.Url);
        await browser.LoginAsync(admin.Url); // single sign-on: the IdP session is reused
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{admin.Url}/bff/user")).Status);

        var claims = new UserClaims((await browser.ApiAsync($"{shop.Url}/bff/user")).Body);
        await browser.FollowAsync(await browser.GetAsync($"{shop.Url}{claims.LogoutUrl}"));

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{admin.Url}/bff/user")).Status);
    }
}
