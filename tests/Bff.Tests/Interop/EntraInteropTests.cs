using System.Net;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Interop;

/// <summary>
/// Microsoft Entra ID, mimicked by oidc-provider: the access token's audience is an API, so the
/// userinfo endpoint refuses it; one resource per token, chosen by scope; no revocation, no
/// back-channel logout, no PAR, no <c>iss</c> in the authorization response.
/// </summary>
public sealed class EntraInteropTests(EntraProvider fixture) : IClassFixture<EntraProvider>
{
    private InteropProvider Provider => fixture.Provider;

    private Task<TestBff> StartBffAsync() =>
        TestBff.StartAsync(Provider, InteropProfiles.Entra(Provider, fixture.NewFolder()), new CapturingLoggerProvider());

    [Fact]
    public async Task Login_user_api_refresh_second_api_and_logout_work_against_the_provider()
    {
        await using var bff = await StartBffAsync();
        using var browser = new TestBrowser();
        var walk = new InteropWalk(Provider, bff, browser);

        await walk.LoginAsync();
        var requests = await Provider.RequestsAsync(bff.ClientId);
        Assert.DoesNotContain(requests, r => r.Endpoint == "par");
        Assert.Contains(bff.LogLines, l => l.Contains("userinfo endpoint refused the access token (status 401", StringComparison.Ordinal));

        var user = await walk.UserAsync();
        Assert.Equal("alice", user["sub"]);
        Assert.Equal("Alice Smith", user["name"]); // from the ID token

        var api1 = await walk.CallAsync("/api1/orders");
        Assert.Equal(("api1", "alice", "jwt"), (api1.Api, api1.Sub, api1.TokenFormat));
        Assert.True(api1.HasAudience(Provider.Api1));

        walk.ExpireTokens();
        await walk.CallAsync("/api1/orders");
        var refresh = Assert.Single(await walk.GrantsAsync("refresh_token"));
        Assert.Equal(200, refresh.Status);
        Assert.Null(refresh.Param("resource")); // Entra has no resource parameter: the scope chooses

        var api2 = await walk.CallAsync("/api2/invoices");
        Assert.Equal(("api2", "alice"), (api2.Api, api2.Sub));
        Assert.True(api2.HasAudience(Provider.Api2));
        var second = (await walk.GrantsAsync("refresh_token"))[1];
        Assert.Equal("api2.read", second.Param("scope"));

        var logout = await walk.LogoutAsync();
        Assert.Equal(Provider.Port, logout.Location!.Port); // RP-Initiated Logout at the provider
        Assert.Equal(HttpStatusCode.Unauthorized, await walk.UserStatusAsync());
        Assert.DoesNotContain(await Provider.RequestsAsync(bff.ClientId), r => r.Endpoint == "revocation"); // none advertised: logout completes without
    }

    [Fact]
    public async Task Userinfo_refusing_the_api_token_keeps_the_login_and_logs_one_warning_that_says_why()
    {
        await using var bff = await StartBffAsync();
        using var browser = new TestBrowser();
        await new InteropWalk(Provider, bff, browser).LoginAsync();

        var warning = Assert.Single(bff.LogLines, l => l.Contains("userinfo endpoint refused the access token", StringComparison.Ordinal));
        Assert.Contains("status 401", warning, StringComparison.Ordinal);
        Assert.Contains("Bff:Oidc:GetClaimsFromUserInfoEndpoint=false", warning, StringComparison.Ordinal);
    }
}
