using System.Net;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Security;

/// <summary>
/// <c>/signout-oidc</c> (OIDC Front-Channel Logout) ends a session only when turned on and only for a
/// request naming the provider and the session: a same-site page cannot log the user out.
/// </summary>
[Collection(IntegrationCollection.Name)]
[Trait("Category", "Adversarial")]
public sealed class FrontChannelLogoutTests(IdpFixture env)
{
    private static async Task<string> SidAsync(TestBrowser browser, TestBff bff) =>
        new UserClaims((await browser.ApiAsync($"{bff.Url}/bff/user")).Body).Value("sid")!;

    [Fact]
    public async Task By_default_the_path_ends_nothing()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var sid = await SidAsync(browser, bff);

        await browser.GetAsync($"{bff.Url}/signout-oidc");
        await browser.GetAsync($"{bff.Url}/signout-oidc?sid={Uri.EscapeDataString(sid)}&iss={Uri.EscapeDataString($"{env.Idp.Url}/")}");

        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
    }

    [Theory]
    [InlineData("")] // what a same-site page would send
    [InlineData("?iss={iss}")]
    [InlineData("?sid={sid}")]
    [InlineData("?sid={sid}&iss=http%3A%2F%2Fevil.example%2F")]
    [InlineData("?sid=another-session&iss={iss}")]
    public async Task When_on_a_request_not_naming_the_provider_and_the_session_is_400_and_ends_nothing(string query)
    {
        await using var bff = await env.StartBffAsync(settings => settings["Bff:Oidc:FrontChannelLogout"] = "true");
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var sid = await SidAsync(browser, bff);

        var response = await browser.GetAsync($"{bff.Url}/signout-oidc{query.Replace("{sid}", Uri.EscapeDataString(sid), StringComparison.Ordinal).Replace("{iss}", Uri.EscapeDataString($"{env.Idp.Url}/"), StringComparison.Ordinal)}");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
    }

    [Fact]
    public async Task When_on_a_request_naming_the_provider_and_the_session_ends_it_and_revokes_its_refresh_token()
    {
        await using var bff = await env.StartBffAsync(settings => settings["Bff:Oidc:FrontChannelLogout"] = "true");
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var sid = await SidAsync(browser, bff);
        var refreshToken = IssuedTokens.From(env.Idp, bff.ClientId).RefreshTokens.Single();

        var response = await browser.GetAsync($"{bff.Url}/signout-oidc?sid={Uri.EscapeDataString(sid)}&iss={Uri.EscapeDataString($"{env.Idp.Url}/")}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
        Assert.Single(env.Idp.Recorder.To("/connect/revoke"), r => r.Field("token") == refreshToken && r.Status == 200);
    }
}
