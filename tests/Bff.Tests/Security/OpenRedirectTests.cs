using System.Net;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Security;

/// <summary>A corpus of return URLs that would leave the site, against the real login and logout endpoints.</summary>
[Collection(IntegrationCollection.Name)]
[Trait("Category", "Adversarial")]
public sealed class OpenRedirectTests(IdpFixture env)
{
    /// <summary>Each is sent percent-encoded as the query value, so the endpoint sees exactly this string.</summary>
    public static TheoryData<string> Corpus =>
    [
        "https://evil.example", "http://evil.example/path", "HTTPS://EVIL.EXAMPLE", "//evil.example", "///evil.example",
        "////evil.example", "/\\evil.example", "\\\\evil.example", "\\/evil.example", "/\\/evil.example",
        "javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)",
        "https:evil.example", "https:/evil.example", "//user:pass@evil.example", "https://127.0.0.1@evil.example",
        "/%2F%2Fevil.example", "%2F%2Fevil.example", "/%5Cevil.example", "/%5C%5Cevil.example", "/%252F%252Fevil.example",
        "/%25252F%25252Fevil.example", "/%09/evil.example", "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example",
        "/%0d%0aLocation:%20https://evil.example", " /evil.example", "/ /evil.example", "\u00A0//evil.example",
        "/\u200B/evil.example", "//\u0435vil.example", "//xn--vil-8cd.example", "evil.example", "./evil", "?x=//evil.example",
        "#//evil.example", "~/x",
    ];

    [Fact]
    public void The_corpus_has_at_least_thirty_cases() => Assert.True(Corpus.Count >= 30, $"{Corpus.Count} cases");

    [Theory]
    [MemberData(nameof(Corpus))]
    public async Task Login_and_logout_refuse_every_return_url_that_could_leave_the_site(string returnUrl)
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        var encoded = Uri.EscapeDataString(returnUrl);

        var login = await browser.GetAsync($"{bff.Url}/bff/login?returnUrl={encoded}");
        var logout = await browser.GetAsync($"{bff.Url}/bff/logout?sid=x&returnUrl={encoded}");

        Assert.Equal(HttpStatusCode.BadRequest, login.Status);
        Assert.Null(login.Location);
        Assert.Equal(HttpStatusCode.BadRequest, logout.Status);
        Assert.Null(logout.Location);
        Assert.Equal("application/problem+json", login.Header("Content-Type"));
        Assert.Contains("\"detail\":\"The returnUrl must be a local path", login.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/café", "/caf%C3%A9")]
    [InlineData("/é", "/%C3%A9")]
    [InlineData("/日本/x?q=ü", "/%E6%97%A5%E6%9C%AC/x?q=%C3%BC")]
    [InlineData("/emoji/😀", "/emoji/%F0%9F%98%80")]
    public async Task A_non_ascii_return_url_is_percent_encoded_never_a_500(string returnUrl, string expected)
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();

        var callback = await browser.LoginAsync(bff.Url, returnUrl: returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, callback.Status);
        Assert.Equal(expected, callback.Headers.Location!.OriginalString);

        var logoutUrl = new UserClaims((await browser.ApiAsync($"{bff.Url}/bff/user")).Body).LogoutUrl;
        var logout = await browser.GetAsync($"{bff.Url}{logoutUrl}&returnUrl={Uri.EscapeDataString(returnUrl)}");
        Assert.Equal(HttpStatusCode.Redirect, logout.Status);
        var back = await browser.FollowAsync(logout, r => r.RequestUri.AbsolutePath == "/signout-callback-oidc");
        Assert.Equal(expected, back.Headers.Location!.OriginalString);

        using var stranger = new TestBrowser();
        var anonymous = await stranger.GetAsync($"{bff.Url}/bff/logout?returnUrl={Uri.EscapeDataString(returnUrl)}");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.Status);
        Assert.Equal(expected, anonymous.Headers.Location!.OriginalString);
    }
}
