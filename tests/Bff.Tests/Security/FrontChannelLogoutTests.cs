using System.Net;
using System.Text.Json;
using Bff.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenBff.Sessions;
using Microsoft.IdentityModel.JsonWebTokens;

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
    [InlineData("", "iss")] // what a same-site page would send
    [InlineData("?iss={iss}", "sid")]
    [InlineData("?sid={sid}", "iss")]
    [InlineData("?sid={sid}&iss=http%3A%2F%2Fevil.example%2F", "iss")]
    [InlineData("?sid=another-session&iss={iss}", "sid")]
    public async Task When_on_a_request_not_naming_the_provider_and_the_session_is_a_400_problem_and_ends_nothing(string query, string parameter)
    {
        await using var bff = await env.StartBffAsync(settings => settings["Bff:Oidc:FrontChannelLogout"] = "true");
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var sid = await SidAsync(browser, bff);

        var response = await browser.GetAsync($"{bff.Url}/signout-oidc{Fill(query, sid, env.Idp)}");

        AssertProblemNaming(response, parameter);
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

    [Fact]
    public async Task A_front_channel_logout_deletes_the_session_from_the_store_once()
    {
        var store = new CountingStore();
        await using var bff = await env.StartBffAsync(
            settings => settings["Bff:Oidc:FrontChannelLogout"] = "true",
            services: s => s.AddSingleton<IUserSessionStore>(store));
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var sid = await SidAsync(browser, bff);

        var response = await browser.GetAsync($"{bff.Url}/signout-oidc?sid={Uri.EscapeDataString(sid)}&iss={Uri.EscapeDataString($"{env.Idp.Url}/")}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Empty(await store.FindAsync(new UserSessionFilter { SubjectId = "alice" }, CancellationToken.None));
        Assert.Equal(1, store.Deletes);
    }

    /// <summary>
    /// The reported case: a provider whose ID tokens carry no <c>sid</c>. ASP.NET Core's own handling
    /// ended such a session for a bare <c>GET /signout-oidc</c>; now it ends nothing, on or off.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Without_a_sid_from_the_provider_a_bare_request_ends_nothing(bool frontChannelLogout)
    {
        await using var idp = await TestIdp.StartAsync(sessionIdInIdentityToken: false);
        await using var bff = await TestBff.StartAsync(idp, env.Api, env.NewFolder(), new CapturingLoggerProvider(),
            settings => settings["Bff:Oidc:FrontChannelLogout"] = frontChannelLogout ? "true" : "false");
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        Assert.False(new JsonWebToken(IssuedTokens.From(idp, bff.ClientId).IdTokens.Single()).TryGetPayloadValue<string>("sid", out _)); // the provider issued none

        var response = await browser.GetAsync($"{bff.Url}/signout-oidc");

        if (frontChannelLogout)
        {
            AssertProblemNaming(response, "iss");
        }

        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
        Assert.Empty(idp.Recorder.To("/connect/revoke"));
    }

    [Fact]
    public async Task Without_a_sid_from_the_provider_only_the_bffs_own_sid_ends_the_session()
    {
        await using var idp = await TestIdp.StartAsync(sessionIdInIdentityToken: false);
        await using var bff = await TestBff.StartAsync(idp, env.Api, env.NewFolder(), new CapturingLoggerProvider(),
            settings => settings["Bff:Oidc:FrontChannelLogout"] = "true");
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var sid = new UserClaims((await browser.ApiAsync($"{bff.Url}/bff/user")).Body).LogoutUrl.Split("sid=")[1]; // the BFF's own
        var refreshToken = IssuedTokens.From(idp, bff.ClientId).RefreshTokens.Single();

        AssertProblemNaming(await browser.GetAsync($"{bff.Url}/signout-oidc{Fill("?iss={iss}", sid, idp)}"), "sid");
        AssertProblemNaming(await browser.GetAsync($"{bff.Url}/signout-oidc{Fill("?iss={iss}&sid=guessed", sid, idp)}"), "sid");
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);

        var response = await browser.GetAsync($"{bff.Url}/signout-oidc{Fill("?iss={iss}&sid={sid}", sid, idp)}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
        Assert.Single(idp.Recorder.To("/connect/revoke"), r => r.Field("token") == refreshToken && r.Status == 200);
    }

    private static string Fill(string query, string sid, TestIdp idp) =>
        query.Replace("{sid}", Uri.EscapeDataString(sid), StringComparison.Ordinal).Replace("{iss}", Uri.EscapeDataString($"{idp.Url}/"), StringComparison.Ordinal);

    private static void AssertProblemNaming(BrowserResponse response, string parameter)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("application/problem+json", response.Header("Content-Type"));
        using var problem = JsonDocument.Parse(response.Body);
        Assert.Equal(problem.RootElement.GetProperty("detail").GetString(), problem.RootElement.GetProperty("errors").GetProperty(parameter)[0].GetString());
    }

    /// <summary>The in-memory store, counting the deletes by key it is asked for.</summary>
    private sealed class CountingStore : DelegatingSessionStore
    {
        private int _deletes;

        public int Deletes => Volatile.Read(ref _deletes);

        public override Task DeleteAsync(string key, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _deletes);
            return base.DeleteAsync(key, cancellationToken);
        }
    }
}
