using System.Net;
using System.Text.RegularExpressions;
using System.Web;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Host;

/// <summary>
/// <c>npm start</c>'s console is readable: the three processes' start-up (warnings only) comes
/// before the banner, the banner is the last thing printed before the first request, then each
/// request to the BFF prints one line (path without query) and nothing else, and warnings still show.
/// </summary>
public sealed partial class StartScriptTests
{
    [Fact]
    public async Task Npm_start_prints_the_banner_last_then_one_line_per_request_and_every_warning()
    {
        using var data = new TempDirectory("bff-start");
        await using var demo = await StartScript.StartAsync(data.Path);
        using var browser = new TestBrowser();
        var banner = demo.Lines.ToList().IndexOf(StartScript.BannerStart);
        var bannerEnd = await demo.WaitForLineAsync(l => l.Contains("Ctrl+C stops everything", StringComparison.Ordinal));

        // Start-up, before the banner: the processes said only what deserves it (a fresh data folder
        // makes each create keys, which ASP.NET Core warns about; the BFF warns of its diagnostics endpoint).
        var startup = demo.Lines.Take(banner).Where(l => ProcessLine().IsMatch(l)).ToList();
        Assert.Contains(startup, l => l.StartsWith("idp | warn: ", StringComparison.Ordinal));
        Assert.Contains(startup, l => l.StartsWith("bff | warn: OpenBff.Diagnostics.DiagnosticsEndpoint[5004]", StringComparison.Ordinal));
        Assert.All(startup, l => Assert.Matches(@"^(idp|api|bff) \| (warn|fail|crit): ", l));

        // A visit: the SPA, a login through the dev IdP's form, the user, an API call.
        await browser.GetAsync($"{demo.BffUrl}/");
        await browser.LoginAsync(demo.BffUrl, "alice", "alice");
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{demo.BffUrl}/bff/user")).Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{demo.BffUrl}/api/hello?greeting=hi")).Status);

        var bffPort = new Uri(demo.BffUrl).Port;
        var expected = browser.Seen.Where(r => r.RequestUri.Port == bffPort).Select(r => $"bff | GET {r.RequestUri.AbsolutePath} {(int)r.Status}").ToList();
        Assert.Contains("bff | GET /signin-oidc 302", expected);
        var last = await demo.WaitForLineAsync(l => l.StartsWith("bff | GET /api/hello", StringComparison.Ordinal), after: bannerEnd + 1);
        var printed = demo.Lines.Skip(bannerEnd + 1).Take(last - bannerEnd).Where(l => l.Length > 0).ToList();
        Assert.Equal(expected, printed.Select(l => RequestLine().Match(l) is { Success: true } m ? m.Groups["request"].Value : l));

        // Warnings still show: a forged callback (the BFF's warning), a login form without its
        // antiforgery token (the IdP's).
        var forgedCode = Guid.NewGuid().ToString("N");
        var forged = await browser.GetAsync($"{demo.BffUrl}/signin-oidc?code={forgedCode}&state={Guid.NewGuid():N}");
        var forgedLine = await demo.WaitForLineAsync(l => l.StartsWith("bff | GET /signin-oidc ", StringComparison.Ordinal), after: last + 1);
        Assert.Contains(demo.Lines.Skip(last + 1).Take(forgedLine - last), l => l.StartsWith("bff | warn: ", StringComparison.Ordinal));
        Assert.Matches($@"^bff \| GET /signin-oidc {(int)forged.Status} \d+\.\d ms$", demo.Lines[forgedLine]);
        using var withoutToken = new FormUrlEncodedContent(new Dictionary<string, string> { ["username"] = "alice", ["password"] = "alice" });
        await browser.SendAsync(HttpMethod.Post, $"{demo.IdpUrl}/account/login", withoutToken);
        await demo.WaitForLineAsync(l => l.StartsWith("idp | warn: ", StringComparison.Ordinal) && l.Contains("Antiforgery validation failed", StringComparison.Ordinal), after: forgedLine + 1);

        // Nothing secret: no code or state (the real callback's or the forged one), no cookie value, no JWT.
        var output = demo.Output;
        var callback = HttpUtility.ParseQueryString(browser.Seen.First(r => r.RequestUri.Port == bffPort && r.RequestUri.AbsolutePath == "/signin-oidc").RequestUri.Query);
        var secrets = new[] { callback["code"], callback["state"], forgedCode }
            .Concat(browser.Cookies.GetAllCookies().Select(c => c.Value).Where(v => v.Length >= 16))
            .ToList();
        Assert.True(secrets.Count >= 4, string.Join(", ", secrets));
        Assert.All(secrets, secret => Assert.DoesNotContain(secret!, output, StringComparison.Ordinal));
        Assert.DoesNotContain("code=", output, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ", output, StringComparison.Ordinal);
    }

    /// <summary>A line of one of the three processes (the script's own start with <c>[bff]</c> or are the banner's).</summary>
    [GeneratedRegex(@"^(idp|api|bff) \| ")]
    private static partial Regex ProcessLine();

    [GeneratedRegex(@"^(?<request>bff \| GET \S+ \d{3}) \d+\.\d ms$")]
    private static partial Regex RequestLine();
}
