using System.Net;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Interop;

/// <summary>
/// Providers that do not rotate refresh tokens: the refresh response returns the same refresh
/// token, or none at all; and token responses without <c>expires_in</c>.
/// </summary>
public sealed class NoRotationInteropTests(NoRotationProvider fixture) : IClassFixture<NoRotationProvider>
{
    [Fact]
    public async Task Login_user_api_refresh_second_api_and_logout_work_when_the_same_refresh_token_comes_back()
    {
        var provider = fixture.Provider;
        await using var bff = await TestBff.StartAsync(provider, InteropProfiles.Keycloak(provider, fixture.NewFolder()), new CapturingLoggerProvider(), backChannelLogout: true);
        using var browser = new TestBrowser();
        var walk = new InteropWalk(provider, bff, browser);

        await walk.LoginAsync();
        Assert.Equal("Alice Smith", (await walk.UserAsync())["name"]);
        await walk.CallAsync("/api1/a");
        walk.ExpireTokens();
        await walk.CallAsync("/api1/a");
        walk.ExpireTokens();
        await walk.CallAsync("/api1/a");
        var api2 = await walk.CallAsync("/api2/b");
        Assert.True(api2.HasAudience(provider.Api2));

        var refreshes = await walk.GrantsAsync("refresh_token");
        Assert.Equal(3, refreshes.Count);
        Assert.All(refreshes, r => Assert.Equal(200, r.Status));
        Assert.Single(refreshes.Select(r => r.Param("refresh_token")).Distinct()); // the one refresh token throughout
        Assert.All(refreshes, r => Assert.Equal(r.Param("refresh_token"), r.Response!.Value.GetProperty("refresh_token").GetString()));

        await walk.LogoutAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, await walk.UserStatusAsync());
    }

    [Fact]
    public async Task A_refresh_response_without_a_refresh_token_keeps_the_one_the_session_has()
    {
        await using var provider = await InteropProvider.StartAsync("norotation", "--refresh-response", "omit");
        await using var bff = await TestBff.StartAsync(provider, InteropProfiles.Keycloak(provider, fixture.NewFolder()), new CapturingLoggerProvider(), backChannelLogout: true);
        using var browser = new TestBrowser();
        var walk = new InteropWalk(provider, bff, browser);
        await walk.LoginAsync();

        for (var i = 0; i < 3; i++)
        {
            walk.ExpireTokens();
            await walk.CallAsync("/api1/a");
        }

        var refreshes = await walk.GrantsAsync("refresh_token");
        Assert.Equal(3, refreshes.Count);
        Assert.All(refreshes, r => Assert.False(r.Response!.Value.TryGetProperty("refresh_token", out _)));
        Assert.All(refreshes, r => Assert.Equal(200, r.Status));
    }

    [Fact]
    public async Task Without_expires_in_a_jwt_access_tokens_exp_says_when_to_refresh()
    {
        await using var provider = await InteropProvider.StartAsync("norotation", "--omit-expires-in");
        await using var bff = await TestBff.StartAsync(provider, InteropProfiles.Keycloak(provider, fixture.NewFolder()), new CapturingLoggerProvider(), backChannelLogout: true);
        using var browser = new TestBrowser();
        var walk = new InteropWalk(provider, bff, browser);
        await walk.LoginAsync();
        Assert.False(Assert.Single(await walk.GrantsAsync("authorization_code")).Response!.Value.TryGetProperty("expires_in", out _));

        await walk.CallAsync("/api1/a");
        bff.Time.Advance(TimeSpan.FromSeconds(500)); // 100 s left of its 600: not yet
        await walk.CallAsync("/api1/a");
        await walk.CallAsync("/api2/b");
        Assert.Single(await walk.GrantsAsync("refresh_token")); // only api2's first token

        walk.ExpireTokens();
        await walk.CallAsync("/api1/a");
        await walk.CallAsync("/api2/b");
        Assert.Equal(3, (await walk.GrantsAsync("refresh_token")).Count); // both refreshed by their exp
    }
}
