using System.Net;
using System.Text.Json.Nodes;
using Bff.Tests.Infrastructure;
using Microsoft.AspNetCore.WebUtilities;

namespace Bff.Tests.Interop;

/// <summary>
/// Keycloak / Okta, mimicked by oidc-provider, with the Keycloak recipe's configuration: PAR (with
/// the recipe's <c>ui_locales</c>), RFC 9207 <c>iss</c>, JWT access tokens per API, the second API's
/// token narrowed by <c>Bff.Scope</c>, refresh-token rotation, revocation, back-channel logout with
/// <c>sid</c>. RFC 8707 resources on the same provider: <see cref="DuendeInteropTests"/>.
/// </summary>
public sealed class KeycloakInteropTests(KeycloakProvider fixture) : IClassFixture<KeycloakProvider>
{
    private InteropProvider Provider => fixture.Provider;

    private async Task<TestBff> StartBffAsync(Action<Dictionary<string, string?>>? change = null)
    {
        var settings = InteropProfiles.Keycloak(Provider, fixture.NewFolder());
        change?.Invoke(settings);
        return await TestBff.StartAsync(Provider, settings, new CapturingLoggerProvider(), backChannelLogout: true);
    }

    [Fact]
    public async Task Login_user_api_refresh_second_api_and_logout_work_against_the_provider()
    {
        await using var bff = await StartBffAsync();
        using var browser = new TestBrowser();
        var walk = new InteropWalk(Provider, bff, browser);

        await walk.LoginAsync();
        var requests = await Provider.RequestsAsync(bff.ClientId);
        var pushed = Assert.Single(requests, r => r.Endpoint == "par");
        Assert.Equal("de", pushed.Param("ui_locales")); // Bff:Oidc:AuthorizationParameters, in the pushed request
        Assert.Null(pushed.Param("resource"));
        Assert.Equal(Provider.Issuer, AuthorizationResponseIss(requests)); // RFC 9207: the provider sent iss, and the login passed its check

        var user = await walk.UserAsync();
        Assert.Equal("alice", user["sub"]);
        Assert.Equal("Alice Smith", user["name"]);

        var api1 = await walk.CallAsync("/api1/orders");
        Assert.Equal(("api1", "alice", "jwt"), (api1.Api, api1.Sub, api1.TokenFormat));
        Assert.True(api1.HasAudience(Provider.Api1));

        walk.ExpireTokens();
        await walk.CallAsync("/api1/orders");
        var refresh = Assert.Single(await walk.GrantsAsync("refresh_token"));
        Assert.Equal((200, null, null), (refresh.Status, refresh.Param("resource"), refresh.Param("scope")));
        var tokens = await walk.TokensAtApiAsync("api1");
        Assert.NotEqual(tokens[0], tokens[1]);

        var api2 = await walk.CallAsync("/api2/invoices");
        Assert.Equal(("api2", "alice", "jwt"), (api2.Api, api2.Sub, api2.TokenFormat));
        Assert.True(api2.HasAudience(Provider.Api2));
        Assert.False(api2.HasAudience(Provider.Api1));
        var grants = await walk.GrantsAsync("refresh_token");
        Assert.Equal(2, grants.Count);
        Assert.Equal(("api2.read", null), (grants[1].Param("scope"), grants[1].Param("resource"))); // narrowed by Bff.Scope
        await walk.CallAsync("/api2/invoices"); // kept in the session: no further grant
        Assert.Equal(2, (await walk.GrantsAsync("refresh_token")).Count);

        var logout = await walk.LogoutAsync();
        Assert.Contains("id_token_hint=", logout.Location!.Query, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, await walk.UserStatusAsync());
        var revocation = Assert.Single(await Provider.RequestsAsync(bff.ClientId), r => r.Endpoint == "revocation");
        Assert.Equal("refresh_token", revocation.Param("token_type_hint"));
    }

    [Fact]
    public async Task An_authorization_response_with_another_issuers_iss_is_refused_and_creates_no_session()
    {
        await using var bff = await StartBffAsync();
        using var browser = new TestBrowser();
        await Provider.SetFaultsAsync(new JsonObject { ["authorization_iss"] = "https://attacker.example" });
        try
        {
            var callback = await browser.LoginAsync(bff.Url);
            Assert.False(callback.IsRedirect && callback.Headers.Location?.OriginalString == "/", "the login went through with another issuer's iss");
            Assert.Equal("https://attacker.example", AuthorizationResponseIss(await Provider.RequestsAsync(bff.ClientId)));
        }
        finally
        {
            await Provider.SetFaultsAsync(new JsonObject { ["authorization_iss"] = null });
        }

        Assert.Null(browser.CookieValue(bff.Url, "__Host-bff"));
        Assert.DoesNotContain(await Provider.RequestsAsync(bff.ClientId), r => r.Endpoint == "token"); // the code was never redeemed
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
    }

    /// <summary>The <c>iss</c> of the authorization response (the redirect to the BFF's callback) the provider sent.</summary>
    private static string? AuthorizationResponseIss(List<InteropRequest> requests)
    {
        var response = Assert.Single(requests, r => r.Endpoint is "authorization" or "resume" && r.Location?.Contains("/signin-oidc?", StringComparison.Ordinal) == true);
        return QueryHelpers.ParseQuery(new Uri(response.Location!).Query).TryGetValue("iss", out var iss) ? iss.ToString() : null;
    }

    [Fact]
    public async Task The_provider_rotating_the_refresh_token_on_every_grant_never_sees_a_reuse()
    {
        await using var bff = await StartBffAsync();
        using var browser = new TestBrowser();
        var walk = new InteropWalk(Provider, bff, browser);
        await walk.LoginAsync();

        for (var round = 0; round < 3; round++)
        {
            walk.ExpireTokens();
            await Task.WhenAll(Enumerable.Range(0, 8).Select(i => walk.CallAsync(i % 2 == 0 ? "/api1/x" : "/api2/x")));
        }

        var grants = await walk.GrantsAsync("refresh_token");
        Assert.All(grants, g => Assert.Equal(200, g.Status));
        var presented = grants.Select(g => g.Param("refresh_token")).ToList();
        Assert.Equal(presented.Count, presented.Distinct().Count()); // every grant used the newest refresh token
    }

    [Fact]
    public async Task A_back_channel_logout_from_the_provider_ends_the_session()
    {
        await using var bff = await StartBffAsync();
        using var browser = new TestBrowser();
        var walk = new InteropWalk(Provider, bff, browser);
        await walk.LoginAsync("bob");

        var sent = await Provider.LogoutAsync("bob");
        var toBff = Assert.Single(sent, s => (string?)s!["client_id"] == bff.ClientId);
        Assert.Equal(200, (int)toBff!["status"]!);
        Assert.Equal(HttpStatusCode.Unauthorized, await walk.UserStatusAsync());
    }
}
