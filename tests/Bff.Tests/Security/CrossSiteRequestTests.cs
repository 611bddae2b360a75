using System.Net;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Security;

[Collection(IntegrationCollection.Name)]
[Trait("Category", "Adversarial")]
public sealed class CrossSiteRequestTests(IdpFixture env)
{
    private int ApiCalls() => env.Api.Recorder.Requests.Count(r => r.Path == "/api/echo");

    [Theory]
    [InlineData("Origin", "https://evil.example")]
    [InlineData("Origin", "null")]
    [InlineData("Origin", "http://127.0.0.1:1")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    public async Task State_changing_call_from_another_site_is_403_even_with_the_csrf_header(string header, string value)
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var before = ApiCalls();

        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete, HttpMethod.Patch })
        {
            var response = await browser.SendAsync(method, $"{bff.Url}/api/echo", new StringContent("x"), ("X-CSRF", "1"), (header, value));
            Assert.Equal(HttpStatusCode.Forbidden, response.Status);
        }

        Assert.Equal(before, ApiCalls());
    }

    [Fact]
    public async Task State_changing_call_from_the_same_origin_or_an_allowed_origin_passes()
    {
        await using var bff = await env.StartBffAsync(s => s["Bff:AllowedOrigins:0"] = "https://app.example.com");
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);

        var same = await browser.SendAsync(HttpMethod.Post, $"{bff.Url}/api/echo", new StringContent("x"), ("X-CSRF", "1"), ("Origin", bff.Url), ("Sec-Fetch-Site", "same-origin"));
        var allowed = await browser.SendAsync(HttpMethod.Post, $"{bff.Url}/api/echo", new StringContent("x"), ("X-CSRF", "1"), ("Origin", "https://app.example.com"), ("Sec-Fetch-Site", "same-site"));

        Assert.Equal(HttpStatusCode.OK, same.Status);
        Assert.Equal(HttpStatusCode.OK, allowed.Status);
    }

    [Fact]
    public async Task Cors_preflight_gets_no_cors_grant()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();

        foreach (var path in new[] { "/api/echo", "/bff/user" })
        {
            var preflight = await browser.SendAsync(HttpMethod.Options, $"{bff.Url}{path}", null,
                ("Origin", "https://evil.example"), ("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "x-csrf"));
            Assert.Null(preflight.Header("Access-Control-Allow-Origin"));
            Assert.Null(preflight.Header("Access-Control-Allow-Credentials"));
        }
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("https://app.example.com/path")]
    [InlineData("app.example.com")]
    public async Task A_malformed_allowed_origin_stops_the_start(string origin)
    {
        var settings = TestBff.DefaultSettings(env.Idp.Url, env.Api.Url, env.NewFolder());
        settings["Bff:Oidc:ClientId"] = "x";
        settings["Bff:Oidc:ClientSecret"] = "y";
        settings["Bff:AllowedOrigins:0"] = origin;

        var error = await TestBff.StartupErrorAsync(settings);

        Assert.Contains("Bff:AllowedOrigins", error, StringComparison.Ordinal);
    }
}
