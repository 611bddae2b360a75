using System.Net;
using System.Text;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Proxy;

[Collection(IntegrationCollection.Name)]
public sealed class ProxyTests(IdpFixture env)
{
    private int ApiCalls(string path) => env.Api.Recorder.Requests.Count(r => r.Path == path);

    [Fact]
    public async Task User_route_attaches_the_users_access_token_and_the_api_accepts_it()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var sub = new UserClaims((await browser.ApiAsync($"{bff.Url}/bff/user")).Body).Value("sub");

        var response = await browser.ApiAsync($"{bff.Url}/api/hello");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Contains($"\"sub\":\"{sub}\"", response.Body, StringComparison.Ordinal);
        var forwarded = env.Api.Recorder.To("/api/hello").Last();
        Assert.Equal($"Bearer {IssuedTokens.From(env.Idp, bff.ClientId).AccessTokens.Single()}", forwarded.Header("Authorization"));
    }

    [Fact]
    public async Task User_route_without_a_session_is_401_and_the_api_is_not_called()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        var before = ApiCalls("/api/echo");

        var response = await browser.ApiAsync($"{bff.Url}/api/echo");

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Null(response.Location);
        Assert.Equal(before, ApiCalls("/api/echo"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("2")]
    public async Task Proxied_call_without_the_anti_forgery_header_is_401_and_the_api_is_not_called(string? header)
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var before = ApiCalls("/api/echo");

        foreach (var path in new[] { "/api/echo", "/none/api/echo" })
        {
            var response = header is null
                ? await browser.GetAsync($"{bff.Url}{path}")
                : await browser.GetAsync($"{bff.Url}{path}", ("X-CSRF", header));
            Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        }

        var post = await browser.SendAsync(HttpMethod.Post, $"{bff.Url}/api/echo", new StringContent("x"));
        Assert.Equal(HttpStatusCode.Unauthorized, post.Status);
        Assert.Equal(before, ApiCalls("/api/echo"));
    }

    [Fact]
    public async Task Route_with_anti_forgery_off_is_called_without_the_header()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();

        var response = await browser.GetAsync($"{bff.Url}/nocsrf/api/echo");

        Assert.Equal(HttpStatusCode.OK, response.Status);
    }

    [Fact]
    public async Task Browser_cookie_authorization_and_csrf_headers_never_reach_the_api()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);

        var user = await browser.SendAsync(HttpMethod.Get, $"{bff.Url}/api/echo", null, ("X-CSRF", "1"), ("Authorization", "Bearer forged-by-the-browser"), ("X-Custom", "kept"));
        var none = await browser.SendAsync(HttpMethod.Get, $"{bff.Url}/none/api/echo", null, ("X-CSRF", "1"), ("Authorization", "Bearer forged-by-the-browser"));

        var userEcho = new Echo(user.Body);
        Assert.True(userEcho.Authenticated);
        Assert.Equal("bearer", userEcho.Authorization);
        Assert.False(userEcho.HasHeader("Cookie"));
        Assert.False(userEcho.HasHeader("X-CSRF"));
        Assert.Equal("kept", userEcho.HeaderValue("X-Custom"));
        var forwarded = env.Api.Recorder.To("/api/echo").Where(r => r.Header("X-Custom") == "kept").Last();
        Assert.DoesNotContain("forged-by-the-browser", forwarded.Header("Authorization"), StringComparison.Ordinal);

        var noneEcho = new Echo(none.Body);
        Assert.Equal("absent", noneEcho.Authorization);
        Assert.False(noneEcho.HasHeader("Cookie"));
        Assert.False(noneEcho.HasHeader("X-CSRF"));
    }

    [Fact]
    public async Task Request_and_response_bodies_status_codes_and_headers_pass_through()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var payload = new string('x', 200_000);

        var echoed = await browser.ApiAsync($"{bff.Url}/api/echo", HttpMethod.Put, new StringContent(payload, Encoding.UTF8, "text/plain"));
        var status = await browser.ApiAsync($"{bff.Url}/api/status/418");

        Assert.Equal(HttpStatusCode.OK, echoed.Status);
        var echo = new Echo(echoed.Body);
        Assert.Equal("PUT", echo.Method);
        Assert.True(echo.Body.Length >= 60_000 && payload.StartsWith(echo.Body, StringComparison.Ordinal));
        Assert.Equal((HttpStatusCode)418, status.Status);
        Assert.Equal("status", status.Header("X-Sample"));
    }

    [Fact]
    public async Task None_route_is_called_without_a_token_when_anonymous()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();

        var response = await browser.ApiAsync($"{bff.Url}/none/api/echo");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("absent", new Echo(response.Body).Authorization);
    }

    [Fact]
    public async Task OptionalUser_route_attaches_the_users_token_when_logged_in_and_none_otherwise()
    {
        await using var bff = await env.StartBffAsync();
        using var anonymous = new TestBrowser();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);

        var anonymousEcho = new Echo((await anonymous.ApiAsync($"{bff.Url}/optional/api/echo")).Body);
        var userEcho = new Echo((await browser.ApiAsync($"{bff.Url}/optional/api/echo")).Body);

        Assert.Equal("absent", anonymousEcho.Authorization);
        Assert.True(userEcho.Authenticated);
        Assert.NotNull(userEcho.Sub);
    }

    [Fact]
    public async Task Client_route_attaches_a_client_credentials_token()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();

        var response = await browser.ApiAsync($"{bff.Url}/client/api/echo");

        var echo = new Echo(response.Body);
        Assert.True(echo.Authenticated);
        Assert.Equal(bff.ClientId, echo.ClientId);
        var grant = Assert.Single(env.Idp.Grants(bff.ClientId, "client_credentials"));
        Assert.Equal("api", grant.Field("scope"));
    }

    [Fact]
    public async Task UserOrClient_route_uses_the_users_token_when_logged_in_else_the_clients()
    {
        await using var bff = await env.StartBffAsync();
        using var anonymous = new TestBrowser();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);

        var clientEcho = new Echo((await anonymous.ApiAsync($"{bff.Url}/uoc/api/echo")).Body);
        var userEcho = new Echo((await browser.ApiAsync($"{bff.Url}/uoc/api/echo")).Body);

        Assert.True(clientEcho.Authenticated);
        Assert.Equal(bff.ClientId, clientEcho.ClientId);
        Assert.True(clientEcho.Sub is null || clientEcho.Sub == bff.ClientId, $"a client token, not a user's: sub={clientEcho.Sub}");
        Assert.True(userEcho.Authenticated);
        Assert.NotNull(userEcho.Sub);
        Assert.NotEqual(bff.ClientId, userEcho.Sub);
    }
}
