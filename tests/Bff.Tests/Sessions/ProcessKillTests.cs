using System.Net;
using Bff.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Bff.Tests.Sessions;

/// <summary>
/// The BFF process is killed (SIGKILL) again and again while every call of eight sessions refreshes
/// its tokens, so kills land between the provider's answer and the write of the rotated refresh
/// token. The provider has a 30 s reuse interval, as Okta, Auth0 and Keycloak offer and the dev
/// IdP has by default: the restarted BFF's next refresh replays the refresh token it had stored,
/// within that interval, and no session is lost.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed class ProcessKillTests(IdpFixture env, ITestOutputHelper output)
{
    private const int Sessions = 8;
    private const int Kills = 6;

    [Fact]
    public async Task A_bff_killed_while_every_call_refreshes_loses_no_session_with_the_providers_reuse_interval()
    {
        await using var idp = await TestIdp.StartAsync(env.Logs, reuseLeeway: TimeSpan.FromSeconds(30));
        await using var api = await TestApi.StartAsync(idp.Url, env.Logs);
        var (clientId, secret) = await idp.RegisterClientAsync("http://127.0.0.1");
        var settings = TestBff.DefaultSettings(idp.Url, api.Url, env.NewFolder());
        settings["Bff:Session:Store"] = "Sqlite";
        settings["Bff:Tokens:RefreshBeforeExpiry"] = "00:10:00"; // longer than the 5-minute tokens: every call refreshes
        settings["Bff:Oidc:ClientId"] = clientId;
        settings["Bff:Oidc:ClientSecret"] = secret;
        await using var bff = await BffProcess.StartAsync(settings);

        var browsers = Enumerable.Range(0, Sessions).Select(_ => new TestBrowser()).ToList();
        try
        {
            foreach (var browser in browsers)
            {
                await browser.LoginAsync(bff.Url);
            }

            var random = new Random(15);
            for (var kill = 0; kill < Kills; kill++)
            {
                using var stop = new CancellationTokenSource();
                var load = browsers.Select(browser => CallUntilAsync(browser, $"{bff.Url}/api/hello", stop.Token)).ToList();
                await WaitForRefreshesAsync(idp, clientId, 3 * Sessions); // under way on every session
                await Task.Delay(random.Next(0, 50));
                await bff.KillAsync();
                await stop.CancelAsync();
                var unauthorized = (await Task.WhenAll(load)).Sum();
                Assert.True(unauthorized == 0, $"{unauthorized} calls answered 401 before kill {kill + 1}\n{bff.Output[^Math.Min(3000, bff.Output.Length)..]}");
                await bff.RestartAsync();
            }

            foreach (var browser in browsers)
            {
                Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
                Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
            }

            // The kills did land mid-refresh: refresh tokens the provider had rotated were replayed after a restart.
            var used = idp.Grants(clientId, "refresh_token").Select(g => g.Field("refresh_token")).ToList();
            Assert.True(used.Count > used.Distinct().Count(), "no kill landed between a refresh and its write; the test proved nothing");
            output.WriteLine($"{Kills} kills, {Sessions} sessions, {used.Count} refreshes, {used.Count - used.Distinct().Count()} replays of a refresh token the killed process had rotated, 0 sessions lost");
        }
        finally
        {
            browsers.ForEach(b => b.Dispose());
        }
    }

    /// <summary>Calls <paramref name="url"/> until stopped or the process dies; returns how many calls were answered 401.</summary>
    private static async Task<int> CallUntilAsync(TestBrowser browser, string url, CancellationToken stop)
    {
        var unauthorized = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if ((await browser.ApiAsync(url)).Status == HttpStatusCode.Unauthorized)
                {
                    unauthorized++;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or System.Net.Sockets.SocketException or IOException)
            {
                // Killed. A kill that lands while HttpClient is connecting surfaces as a bare
                // SocketException ("Transport endpoint is not connected", from reading the new
                // socket's remote end point), not wrapped in an HttpRequestException.
                return unauthorized;
            }
        }

        return unauthorized;
    }

    private static async Task WaitForRefreshesAsync(TestIdp idp, string clientId, int more)
    {
        var target = idp.Grants(clientId, "refresh_token").Count() + more;
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (idp.Grants(clientId, "refresh_token").Count() < target)
        {
            Assert.True(DateTime.UtcNow < deadline, "the sessions do not refresh");
            await Task.Delay(10);
        }
    }
}
