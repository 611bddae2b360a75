using System.Net;
using Bff.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using OpenBff.Sessions;

namespace Bff.Tests.Interop;

/// <summary>
/// Auth0, mimicked by oidc-provider: the <c>audience</c> authorization parameter selects the API
/// of a JWT access token; refresh-token rotation with reuse detection (a reused refresh token
/// revokes the whole grant); revocation; userinfo refuses the API token.
/// </summary>
public sealed class Auth0InteropTests(Auth0Provider fixture) : IClassFixture<Auth0Provider>
{
    private InteropProvider Provider => fixture.Provider;

    [Fact]
    public async Task Login_user_api_refresh_and_logout_work_against_the_provider()
    {
        await using var bff = await TestBff.StartAsync(Provider, InteropProfiles.Auth0(Provider, fixture.NewFolder()), new CapturingLoggerProvider());
        using var browser = new TestBrowser();
        var walk = new InteropWalk(Provider, bff, browser);

        await walk.LoginAsync();
        var authorization = Assert.Single(await Provider.RequestsAsync(bff.ClientId), r => r.Endpoint == "authorization" && r.Param("audience") is not null);
        Assert.Equal(Provider.Api1, authorization.Param("audience"));

        var user = await walk.UserAsync();
        Assert.Equal(("alice", "Alice Smith"), (user["sub"], user["name"]));

        var api = await walk.CallAsync("/api1/orders");
        Assert.Equal(("alice", "jwt"), (api.Sub, api.TokenFormat));
        Assert.True(api.HasAudience(Provider.Api1));

        walk.ExpireTokens();
        await walk.CallAsync("/api1/orders");
        walk.ExpireTokens();
        await walk.CallAsync("/api1/orders");
        var refreshes = await walk.GrantsAsync("refresh_token");
        Assert.Equal([200, 200], refreshes.Select(r => r.Status));
        Assert.NotEqual(refreshes[0].Param("refresh_token"), refreshes[1].Param("refresh_token")); // the rotated one was used

        await walk.LogoutAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, await walk.UserStatusAsync());
        Assert.Single(await Provider.RequestsAsync(bff.ClientId), r => r.Endpoint == "revocation" && r.Status == 200);
    }

    [Fact]
    public async Task The_expiry_cleanup_revokes_each_expired_sessions_refresh_token_at_the_provider_two_at_once()
    {
        var settings = InteropProfiles.Auth0(Provider, fixture.NewFolder());
        settings["Bff:Session:CleanupInterval"] = "00:00:00"; // run by the test
        settings["Bff:Session:CleanupConcurrency"] = "2";
        await using var bff = await TestBff.StartAsync(Provider, settings, new CapturingLoggerProvider());
        var browsers = Enumerable.Range(0, 3).Select(_ => new TestBrowser()).ToList();
        try
        {
            foreach (var browser in browsers)
            {
                await new InteropWalk(Provider, bff, browser).LoginAsync();
            }

            bff.Time.Advance(TimeSpan.FromHours(8) + TimeSpan.FromSeconds(1)); // idle past Bff:Session:IdleTimeout
            var removed = await bff.Services.GetRequiredService<SessionCleanup>().RunOnceAsync(CancellationToken.None);

            Assert.Equal(3, removed);
            var revocations = (await Provider.RequestsAsync(bff.ClientId)).Where(r => r.Endpoint == "revocation").ToList();
            Assert.Equal(3, revocations.Count);
            Assert.All(revocations, r => Assert.Equal(200, r.Status));
            Assert.Empty(await bff.Services.GetRequiredService<IUserSessionStore>().FindAsync(new UserSessionFilter { SubjectId = "alice" }, CancellationToken.None));
        }
        finally
        {
            browsers.ForEach(b => b.Dispose());
        }
    }

    [Fact]
    public async Task Two_instances_sharing_Redis_refresh_once_and_the_provider_never_sees_a_reused_refresh_token()
    {
        await using var redis = await RedisServer.StartAsync();
        var dataPath = fixture.NewFolder();
        Dictionary<string, string?> Settings() => InteropProfiles.Auth0(Provider, dataPath).OnRedis(redis);

        await using var first = await TestBff.StartAsync(Provider, Settings(), new CapturingLoggerProvider());
        await using var second = await TestBff.StartAsync(Provider, Settings(), new CapturingLoggerProvider(), client: (first.ClientId, first.ClientSecret));
        using var browser = new TestBrowser(); // one cookie jar for 127.0.0.1: both instances get the session cookie
        await new InteropWalk(Provider, first, browser).LoginAsync();

        for (var round = 1; round <= 3; round++)
        {
            first.Time.Advance(TimeSpan.FromSeconds(601));
            second.Time.Advance(TimeSpan.FromSeconds(601));
            var answers = await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
                browser.ApiAsync($"{(i % 2 == 0 ? first.Url : second.Url)}/api1/orders")));
            Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.Status));

            var refreshes = await new InteropWalk(Provider, first, browser).GrantsAsync("refresh_token");
            Assert.Equal(round, refreshes.Count); // one grant per expiry, for both instances and all requests
            Assert.All(refreshes, r => Assert.Equal(200, r.Status));
        }
    }
}
