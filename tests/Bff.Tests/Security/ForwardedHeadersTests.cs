using Bff.Tests.Infrastructure;

namespace Bff.Tests.Security;

[Collection(IntegrationCollection.Name)]
[Trait("Category", "Adversarial")]
public sealed class ForwardedHeadersTests(IdpFixture env)
{
    [Fact]
    public async Task Forwarded_proto_is_ignored_unless_it_comes_from_a_known_proxy()
    {
        await using var bff = await env.StartBffAsync(s => s["Bff:Oidc:PushedAuthorization"] = "Never");
        using var browser = new TestBrowser();

        var login = await browser.GetAsync($"{bff.Url}/bff/login", ("X-Forwarded-Proto", "https"));

        Assert.Equal($"{bff.Url}/signin-oidc", AuthorizationRequests.Parameters(env.Idp, login)["redirect_uri"]);
    }

    [Fact]
    public async Task Forwarded_proto_from_a_known_proxy_is_honoured()
    {
        await using var bff = await env.StartBffAsync(s =>
        {
            s["Bff:Oidc:PushedAuthorization"] = "Never";
            s["Bff:ForwardedHeaders:KnownProxies:0"] = "127.0.0.1";
        });
        using var browser = new TestBrowser();

        var login = await browser.GetAsync($"{bff.Url}/bff/login", ("X-Forwarded-Proto", "https"));

        Assert.Equal($"{bff.Url.Replace("http://", "https://", StringComparison.Ordinal)}/signin-oidc", AuthorizationRequests.Parameters(env.Idp, login)["redirect_uri"]);
    }

    [Fact]
    public async Task A_malformed_known_proxy_stops_the_start()
    {
        var settings = TestBff.DefaultSettings(env.Idp.Url, env.Api.Url, env.NewFolder());
        settings["Bff:Oidc:ClientId"] = "x";
        settings["Bff:Oidc:ClientSecret"] = "y";
        settings["Bff:ForwardedHeaders:KnownProxies:0"] = "not-an-ip";

        var error = await TestBff.StartupErrorAsync(settings);

        Assert.Contains("Bff:ForwardedHeaders:KnownProxies", error, StringComparison.Ordinal);
    }
}
