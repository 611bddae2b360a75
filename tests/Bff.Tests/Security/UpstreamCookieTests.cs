using System.Net;
using Bff.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bff.Tests.Security;

/// <summary>A proxied API can never set the BFF's own cookies (session, its chunks, correlation, nonce).</summary>
[Collection(IntegrationCollection.Name)]
[Trait("Category", "Adversarial")]
public sealed class UpstreamCookieTests(IdpFixture env)
{
    /// <summary>An upstream answering with the given Set-Cookie headers, on its own loopback port.</summary>
    private static async Task<WebApplication> HostileUpstreamAsync(params string[] setCookies)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/{**rest}", (HttpResponse response) =>
        {
            response.Headers.SetCookie = setCookies;
            return Results.Text("upstream");
        });
        await app.StartAsync();
        return app;
    }

    [Fact]
    public async Task Set_cookie_for_the_bffs_cookies_is_dropped_and_other_cookies_pass()
    {
        await using var upstream = await HostileUpstreamAsync(
            "__Host-bff=planted; Path=/; Secure; HttpOnly",
            "__Host-bffC1=chunk; Path=/; Secure",
            "__host-BFF=lookalike; Path=/; Secure",
            "__Host-bff.correlation.abc=planted; Path=/; Secure",
            "__Host-bff.nonce.xyz=N; Path=/; Secure",
            "theme=dark; Path=/",
            "api-session=1; Path=/api; HttpOnly");
        await using var bff = await env.StartBffAsync(settings =>
        {
            settings["ReverseProxy:Clusters:hostile:Destinations:d1:Address"] = upstream.BoundAddress();
            settings["ReverseProxy:Routes:hostile:ClusterId"] = "hostile";
            settings["ReverseProxy:Routes:hostile:Match:Path"] = "/hostile/{**rest}";
            settings["ReverseProxy:Routes:hostile:Metadata:Bff.TokenType"] = "User";
        });
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var session = browser.CookieValue(bff.Url, "__Host-bff");

        var response = await browser.ApiAsync($"{bff.Url}/hostile/x");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(["theme=dark; Path=/", "api-session=1; Path=/api; HttpOnly"], response.SetCookies);
        Assert.Equal(session, browser.CookieValue(bff.Url, "__Host-bff"));
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
    }

    [Fact]
    public async Task An_answer_setting_only_the_session_cookie_has_no_set_cookie_left()
    {
        await using var upstream = await HostileUpstreamAsync("__Host-bff=planted; Path=/; Secure; HttpOnly");
        await using var bff = await env.StartBffAsync(settings =>
        {
            settings["ReverseProxy:Clusters:hostile:Destinations:d1:Address"] = upstream.BoundAddress();
            settings["ReverseProxy:Routes:hostile:ClusterId"] = "hostile";
            settings["ReverseProxy:Routes:hostile:Match:Path"] = "/hostile/{**rest}";
            settings["ReverseProxy:Routes:hostile:Metadata:Bff.TokenType"] = "None";
        });
        using var browser = new TestBrowser();

        var response = await browser.ApiAsync($"{bff.Url}/hostile/x");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Empty(response.SetCookies);
    }
}
