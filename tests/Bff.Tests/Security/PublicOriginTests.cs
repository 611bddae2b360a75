using System.Net;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Security;

/// <summary>
/// <c>Bff:PublicOrigin</c>: absolute URLs (the OIDC redirect URIs) and the same-origin check come from
/// it, never from the request's <c>Host</c>; a request for another host gets 400.
/// </summary>
[Collection(IntegrationCollection.Name)]
[Trait("Category", "Adversarial")]
public sealed class PublicOriginTests(IdpFixture env)
{
    private const string PublicOrigin = "https://app.example.test";
    private const string PublicHost = "app.example.test";

    private Task<TestBff> StartBffAsync(string? publicOrigin = PublicOrigin, (string, string)? client = null, string? environment = null) =>
        TestBff.StartAsync(env.Idp, env.Api, env.NewFolder(), new CapturingLoggerProvider(), settings =>
        {
            if (publicOrigin is not null)
            {
                settings["Bff:PublicOrigin"] = publicOrigin;
            }
        }, client: client, environment: environment);

    [Fact]
    public async Task The_login_builds_its_redirect_uri_from_the_public_origin_and_completes()
    {
        var client = await env.Idp.RegisterClientAsync(PublicOrigin);
        await using var bff = await StartBffAsync(client: client);
        using var browser = new TestBrowser();

        var start = await browser.GetAsync($"{bff.Url}/bff/login", ("Host", PublicHost));
        Assert.Equal(HttpStatusCode.Redirect, start.Status);
        var pushed = env.Idp.Recorder.To("/connect/par").Last(r => r.Field("client_id") == client.ClientId);
        Assert.Equal($"{PublicOrigin}/signin-oidc", pushed.Field("redirect_uri"));

        var loginPage = await browser.FollowAsync(start);
        var afterLogin = await browser.SubmitLoginAsync(loginPage, "alice", "alice");
        var toCallback = await browser.FollowAsync(afterLogin, r => r.Location?.Host == PublicHost);
        Assert.StartsWith($"{PublicOrigin}/signin-oidc?", toCallback.Location!.ToString(), StringComparison.Ordinal);

        // The browser reaches the public origin through the TLS proxy: here, the BFF's port with that Host.
        var callback = await browser.GetAsync($"{bff.Url}{toCallback.Location.PathAndQuery}", ("Host", PublicHost));
        Assert.Equal(HttpStatusCode.Redirect, callback.Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(HttpMethod.Get, $"{bff.Url}/bff/user", null, ("X-CSRF", "1"), ("Host", PublicHost))).Status);
    }

    [Theory]
    [InlineData("/bff/login")]
    [InlineData("/bff/user")]
    [InlineData("/api/hello")]
    [InlineData("/signin-oidc?code=x&state=y")]
    public async Task A_request_for_another_host_is_400(string path)
    {
        await using var bff = await StartBffAsync();
        using var browser = new TestBrowser();

        var response = await browser.SendAsync(HttpMethod.Get, $"{bff.Url}{path}", null, ("X-CSRF", "1"), ("Host", "evil.example"));

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Null(response.Location);
        Assert.DoesNotContain(env.Idp.Recorder.To("/connect/par"), r => r.Field("redirect_uri")?.Contains("evil.example", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task A_library_host_that_never_calls_UseBffPublicOrigin_is_held_to_the_public_origin_too()
    {
        var builder = await LibraryHost.CreateBuilderAsync(env, settings: s => s["Bff:PublicOrigin"] = PublicOrigin, origin: PublicOrigin);
        await using var app = await LibraryHost.StartAsync(builder); // UseBffAuthentication() + UseBff(), as the README shows
        using var browser = new TestBrowser();

        var other = await browser.SendAsync(HttpMethod.Get, $"{app.BoundAddress()}/bff/login", null, ("Host", "elsewhere.example"));
        var start = await browser.GetAsync($"{app.BoundAddress()}/bff/login", ("Host", PublicHost));

        Assert.Equal(HttpStatusCode.BadRequest, other.Status);
        Assert.Equal(HttpStatusCode.Redirect, start.Status);
        Assert.Equal($"{PublicOrigin}/signin-oidc", AuthorizationRequests.Parameters(env.Idp, start)["redirect_uri"]);
    }

    [Fact]
    public async Task Health_probes_addressing_the_instance_still_answer()
    {
        await using var bff = await StartBffAsync();
        using var browser = new TestBrowser();

        var response = await browser.GetAsync($"{bff.Url}/health/live");

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task The_same_origin_check_uses_the_public_origin()
    {
        await using var bff = await StartBffAsync();
        using var browser = new TestBrowser();

        var own = await browser.SendAsync(HttpMethod.Post, $"{bff.Url}/none/api/echo", new StringContent("x"), ("X-CSRF", "1"), ("Host", PublicHost), ("Origin", PublicOrigin));
        var local = await browser.SendAsync(HttpMethod.Post, $"{bff.Url}/none/api/echo", new StringContent("x"), ("X-CSRF", "1"), ("Host", PublicHost), ("Origin", bff.Url));

        Assert.Equal(HttpStatusCode.OK, own.Status);
        Assert.Equal(HttpStatusCode.Forbidden, local.Status);
    }

    [Fact]
    public async Task A_websocket_is_held_to_the_public_origin()
    {
        await using var bff = await StartBffAsync();
        using var browser = new TestBrowser();
        var (own, local) = ($"test={Guid.NewGuid():N}", $"test={Guid.NewGuid():N}");

        // The route attaches no token: the API's own 401 shows the BFF let the handshake through.
        using var fromPublic = await browser.WebSocketAsync($"{bff.Url}/none/api/ws/echo?{own}", headers: [("Host", PublicHost), ("Origin", PublicOrigin)]);
        using var fromInstance = await browser.WebSocketAsync($"{bff.Url}/none/api/ws/echo?{local}", headers: [("Host", PublicHost), ("Origin", bff.Url)]);

        Assert.Equal(HttpStatusCode.Unauthorized, fromPublic.Status);
        Assert.Single(env.Api.Recorder.Arrivals, r => r.Query.Contains(own, StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, fromInstance.Status);
        Assert.DoesNotContain(env.Api.Recorder.Arrivals, r => r.Query.Contains(local, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_redirect_uri_the_provider_refuses_is_a_502_that_says_so()
    {
        await using var bff = await StartBffAsync(); // registered for http://127.0.0.1, not for the public origin
        using var browser = new TestBrowser();

        var response = await browser.GetAsync($"{bff.Url}/bff/login", ("Host", PublicHost));

        Assert.Equal(HttpStatusCode.BadGateway, response.Status);
        Assert.Contains("refused the login request", response.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("cannot be reached", response.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Production", true)]
    [InlineData("Development", false)]
    public async Task Without_a_public_origin_production_warns_once_at_start(string environment, bool warns)
    {
        await using var bff = await StartBffAsync(publicOrigin: null, environment: environment);

        Assert.Equal(warns ? 1 : 0, bff.LogLines.Count(l => l.Contains("Bff:PublicOrigin is not set", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_public_origin_that_is_not_an_origin_stops_the_start()
    {
        var settings = TestBff.DefaultSettings("https://127.0.0.1:1", env.Api.Url, env.NewFolder());
        settings["Bff:Oidc:ClientId"] = "bff";
        settings["Bff:Oidc:ClientSecret"] = "secret";
        settings["Bff:Oidc:RequireHttpsMetadata"] = "true";
        settings["Bff:PublicOrigin"] = "https://app.example.test/path";

        var message = await TestBff.StartupErrorAsync(settings);

        Assert.Contains("Bff:PublicOrigin 'https://app.example.test/path' is not an origin", message, StringComparison.Ordinal);
    }
}
