using System.Net;
using System.Security.Cryptography;
using OpenBff.Configuration;
using Bff.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Bff.Tests.Interop;

/// <summary>
/// A Keycloak-like provider whose clock runs 4 minutes ahead, rotating its signing key in the
/// middle of sessions: the first login and the first back-channel logout token signed with the new
/// key are accepted at once, and tokens with made-up <c>kid</c>s cannot make the BFF refetch the keys.
/// </summary>
public sealed class RotationInteropTests(RotationProvider fixture) : IClassFixture<RotationProvider>
{
    private InteropProvider Provider => fixture.Provider;

    private Task<TestBff> StartBffAsync() =>
        TestBff.StartAsync(Provider, InteropProfiles.Keycloak(Provider, fixture.NewFolder()), new CapturingLoggerProvider(), backChannelLogout: true);

    [Fact]
    public async Task Login_user_api_refresh_second_api_and_logout_work_with_the_provider_clock_4_minutes_ahead_and_its_keys_rotated_mid_session()
    {
        await using var bff = await StartBffAsync();
        using var browser = new TestBrowser();
        var walk = new InteropWalk(Provider, bff, browser);

        await walk.LoginAsync();
        Assert.Equal("Alice Smith", (await walk.UserAsync())["name"]);
        await walk.CallAsync("/api1/a");
        walk.ExpireTokens();
        await walk.CallAsync("/api1/a");

        var kid = await Provider.RotateKeysAsync(); // mid-session: every token from now on has a kid the session has not seen
        walk.ExpireTokens();
        await walk.CallAsync("/api1/a");
        Assert.True((await walk.CallAsync("/api2/b")).HasAudience(Provider.Api2));
        var grants = await walk.GrantsAsync("refresh_token");
        Assert.Equal(3, grants.Count);
        Assert.All(grants, g => Assert.Equal(200, g.Status));
        Assert.All(grants.Skip(1), g => Assert.Equal(kid, KeyId(g.Response!.Value.GetProperty("access_token").GetString()!))); // signed with the new key

        await walk.LogoutAsync(); // id_token_hint signed with the old key: the provider still publishes it
        Assert.Equal(HttpStatusCode.Unauthorized, await walk.UserStatusAsync());
        Assert.Single(await Provider.RequestsAsync(bff.ClientId), r => r.Endpoint == "revocation" && r.Status == 200);
    }

    private static string? KeyId(string jwt) => new JsonWebToken(jwt).Kid;

    [Fact]
    public async Task A_provider_clock_4_minutes_behind_still_logs_in_and_refreshes()
    {
        await using var provider = await InteropProvider.StartAsync("rotation", "--clock-skew-seconds=-240");
        await using var bff = await TestBff.StartAsync(provider, InteropProfiles.Keycloak(provider, fixture.NewFolder()), new CapturingLoggerProvider(), backChannelLogout: true);
        using var alice = new TestBrowser();
        using var bob = new TestBrowser();
        var aliceWalk = new InteropWalk(provider, bff, alice);
        var bobWalk = new InteropWalk(provider, bff, bob);
        await aliceWalk.LoginAsync("alice");
        await bobWalk.LoginAsync("bob");

        var sent = await provider.LogoutAsync("bob"); // its logout token's iat is 4 minutes old
        Assert.Equal(200, (int)Assert.Single(sent)!["status"]!);
        Assert.Equal(HttpStatusCode.Unauthorized, await bobWalk.UserStatusAsync());

        await aliceWalk.CallAsync("/api1/a");
        aliceWalk.ExpireTokens();
        await aliceWalk.CallAsync("/api1/a");
        Assert.Single(await aliceWalk.GrantsAsync("refresh_token"));
    }

    [Fact]
    public async Task The_first_login_after_a_key_rotation_is_accepted_and_sessions_keep_working()
    {
        await using var bff = await StartBffAsync();
        using var alice = new TestBrowser();
        var before = new InteropWalk(Provider, bff, alice);
        await before.LoginAsync("alice");

        await Provider.RotateKeysAsync();
        using var bob = new TestBrowser();
        var after = new InteropWalk(Provider, bff, bob);
        await after.LoginAsync("bob"); // its ID token has a kid the BFF has not seen: refetched within the request
        Assert.Equal("bob", (await after.UserAsync())["sub"]);
        Assert.DoesNotContain(bff.LogLines, l => l.Contains("Login callback failed", StringComparison.Ordinal));

        before.ExpireTokens();
        Assert.Equal("alice", (await before.CallAsync("/api1/a")).Sub); // refreshed after the rotation
    }

    [Fact]
    public async Task The_first_back_channel_logout_token_signed_with_a_new_key_is_accepted()
    {
        await using var bff = await StartBffAsync();
        using var browser = new TestBrowser();
        var walk = new InteropWalk(Provider, bff, browser);
        await walk.LoginAsync("bob");

        await Provider.RotateKeysAsync();
        var sent = await Provider.LogoutAsync("bob");
        var toBff = Assert.Single(sent, s => (string?)s!["client_id"] == bff.ClientId);
        Assert.Equal(200, (int)toBff!["status"]!);
        Assert.Equal(HttpStatusCode.Unauthorized, await walk.UserStatusAsync());
    }

    [Fact]
    public async Task Tokens_with_made_up_key_ids_refetch_the_keys_at_most_once_per_interval()
    {
        await using var bff = await StartBffAsync();
        using var browser = new TestBrowser();
        await new InteropWalk(Provider, bff, browser).LoginAsync(); // discovery and keys loaded
        var manager = (ProviderConfigurationManager)bff.Services.GetRequiredService<IOptionsMonitor<OpenIdConnectOptions>>().Get("oidc").ConfigurationManager!;
        var fetches = manager.FetchCount;

        using var http = new HttpClient();
        using var rsa = RSA.Create(2048);
        for (var i = 0; i < 10; i++)
        {
            var token = JunkToken(rsa, bff, $"junk-{i}");
            using var response = await http.PostAsync($"{bff.Url}/bff/backchannel", new FormUrlEncodedContent(new Dictionary<string, string> { ["logout_token"] = token }));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        Assert.Equal(1, manager.FetchCount - fetches); // the first unknown kid refetched; the nine after it did not

        bff.Time.Advance(ProviderConfigurationManager.ForcedRefreshInterval);
        using var late = await http.PostAsync($"{bff.Url}/bff/backchannel", new FormUrlEncodedContent(new Dictionary<string, string> { ["logout_token"] = JunkToken(rsa, bff, "junk-late") }));
        Assert.Equal(HttpStatusCode.BadRequest, late.StatusCode);
        Assert.Equal(2, manager.FetchCount - fetches); // one more once the interval has passed
        Assert.Equal(HttpStatusCode.OK, await new InteropWalk(Provider, bff, browser).UserStatusAsync()); // no session ended by any of them
    }

    private string JunkToken(RSA rsa, TestBff bff, string kid) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Provider.Issuer,
            Audience = bff.ClientId,
            TokenType = "logout+jwt", // passes every check before the signature's
            IssuedAt = DateTime.UtcNow,
            Claims = new Dictionary<string, object>
            {
                ["sub"] = "alice",
                ["jti"] = Guid.NewGuid().ToString("N"),
                ["events"] = new Dictionary<string, object> { ["http://schemas.openid.net/event/backchannel-logout"] = new Dictionary<string, object>() },
            },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = kid }, SecurityAlgorithms.RsaSha256),
        });
}
