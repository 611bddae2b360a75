using System.Net;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Sessions;

[Collection(IntegrationCollection.Name)]
public sealed class TokenLeakTests(IdpFixture env)
{
    [Fact]
    public async Task No_answer_the_browser_gets_and_no_bff_log_line_contains_a_token()
    {
        var logs = new CapturingLoggerProvider();
        var data = env.NewFolder();
        await using var bff = await TestBff.StartAsync(env.Idp, env.Api, data, logs);
        using var browser = new TestBrowser();

        await browser.LoginAsync(bff.Url);
        var claims = new UserClaims((await browser.ApiAsync($"{bff.Url}/bff/user")).Body);
        await browser.ApiAsync($"{bff.Url}/api/hello");
        await browser.ApiAsync($"{bff.Url}/api/echo");
        await browser.ApiAsync($"{bff.Url}/client/api/echo");
        bff.Time.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
        await browser.FollowAsync(await browser.GetAsync($"{bff.Url}{claims.LogoutUrl}"));

        var tokens = IssuedTokens.From(env.Idp, bff.ClientId);
        Assert.Equal(3, tokens.AccessTokens.Count); // login, client credentials, refresh
        Assert.Equal(2, tokens.RefreshTokens.Count);
        var bffAnswers = browser.Seen.Where(r => r.RequestUri.Port == new Uri(bff.Url).Port).ToList();
        Assert.NotEmpty(bffAnswers);
        Assert.NotEmpty(logs.Lines);
        foreach (var token in tokens.All)
        {
            // Tokens are JWTs or opaque strings; their signature or tail is unique to each.
            var tail = token[^32..];
            Assert.All(logs.Lines, line => Assert.DoesNotContain(tail, line, StringComparison.Ordinal));
            foreach (var answer in bffAnswers)
            {
                // The one sanctioned exception: RP-Initiated Logout sends the ID token (never an
                // access or refresh token) as id_token_hint in the end-session redirect.
                var endSession = answer.Location?.AbsolutePath == "/connect/endsession" && tokens.IdTokens.Contains(token);
                var visible = endSession ? answer.Body : answer.Visible;
                Assert.DoesNotContain(tail, visible, StringComparison.Ordinal);
            }
        }

        Assert.All(logs.Lines, line => Assert.DoesNotContain(bff.ClientSecret, line, StringComparison.Ordinal));
    }
}
