using System.Net;
using Bff.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Bff.Tests.Proxy;

/// <summary>
/// Remote APIs mapped in C#, without YARP configuration (<c>MapRemoteBffApiEndpoint</c>), and MVC
/// controllers marked <c>[BffApi]</c>: the same anti-forgery, token, header and cookie rules as a
/// proxied route.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class RemoteApiEndpointTests(IdpFixture env)
{
    [Fact]
    public async Task A_remote_api_gets_the_rest_of_the_path_the_query_and_the_users_token_and_nothing_of_the_browsers()
    {
        var authorization = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var upstream = await EchoUpstreamAsync(authorization);
        await using var host = await StartAsync(app => app.MapRemoteBffApiEndpoint("/remote", new Uri(upstream.BoundAddress() + "/base/")).WithAccessToken());
        using var browser = new TestBrowser();
        await browser.LoginAsync(host.Url);
        var cookie = browser.CookieValue(host.Url, "__Host-bff");

        var response = await browser.SendAsync(HttpMethod.Get, $"{host.Url}/remote/orders/7?x=1", null, ("X-CSRF", "1"), ("X-Real-IP", "6.6.6.6"));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        using var seen = System.Text.Json.JsonDocument.Parse(response.Body);
        string Seen(string name) => seen.RootElement.GetProperty(name).GetString()!;
        Assert.Equal(("/base/orders/7", "?x=1"), (Seen("path"), Seen("query")));
        Assert.Equal($"Bearer {IssuedTokens.From(env.Idp, host.ClientId).AccessTokens[^1]}", Assert.Single(authorization));
        Assert.Equal((string.Empty, string.Empty, string.Empty), (Seen("cookie"), Seen("csrf"), Seen("realIp")));
        Assert.Equal(["theme=dark; path=/"], response.SetCookies); // the upstream's __Host-bff was dropped
        Assert.Equal(cookie, browser.CookieValue(host.Url, "__Host-bff"));
    }

    [Fact]
    [Trait("Category", "Adversarial")]
    public async Task A_remote_api_gets_no_header_the_browser_named_in_its_connection_header()
    {
        await using var host = await StartAsync(app => app.MapRemoteBffApiEndpoint("/open", new Uri(env.Api.Url + "/")).SkipAntiforgery());
        var raw = "GET /open/api/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: X-Hop\r\nX-Hop: 1\r\nX-Custom: kept\r\n\r\n" +
            "HEAD /open/api/echo HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";

        var answer = await RawHttp.SendAsync(new Uri(host.Url), System.Text.Encoding.ASCII.GetBytes(raw));

        Assert.Equal(200, RawHttp.Status(answer));
        var body = RawHttp.Body(answer);
        var echo = new Echo(body[body.IndexOf('{', StringComparison.Ordinal)..(body.LastIndexOf('}') + 1)]);
        Assert.False(echo.HasHeader("X-Hop"));
        Assert.Equal("kept", echo.HeaderValue("X-Custom"));
    }

    [Fact]
    [Trait("Category", "Adversarial")]
    public async Task A_remote_api_gets_no_removed_header_whatever_its_case_nor_one_among_a_bodys_headers()
    {
        await using var host = await StartAsync(
            app => app.MapRemoteBffApiEndpoint("/remote", new Uri(env.Api.Url + "/")).WithAccessToken(),
            settings: configuration => configuration["Bff:Proxy:RemoveRequestHeaders:0"] = "Content-Language");
        using var browser = new TestBrowser();
        await browser.LoginAsync(host.Url);
        using var body = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        body.Headers.ContentLanguage.Add("de");

        var response = await browser.SendAsync(HttpMethod.Post, $"{host.Url}/remote/api/echo", body,
            ("x-csrf", "1"), ("x-real-ip", "6.6.6.6"), ("X-Method-Override", "DELETE"), ("X-Custom", "kept"));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var echo = new Echo(response.Body);
        Assert.Equal("bearer", echo.Authorization);
        foreach (var header in new[] { "X-CSRF", "X-Real-IP", "X-Method-Override", "Content-Language", "Cookie" })
        {
            Assert.False(echo.HasHeader(header), header);
        }

        Assert.Equal("kept", echo.HeaderValue("X-Custom"));
    }

    [Fact]
    public async Task A_remote_api_requires_the_anti_forgery_header_unless_skipped_and_a_session_for_a_user_token()
    {
        await using var host = await StartAsync(app =>
        {
            app.MapRemoteBffApiEndpoint("/remote", new Uri(env.Api.Url + "/")).WithAccessToken(RequiredTokenType.User);
            app.MapRemoteBffApiEndpoint("/open", new Uri(env.Api.Url + "/")).SkipAntiforgery();
        });
        using var browser = new TestBrowser();
        var before = env.Api.Recorder.To("/api/hello").Count();

        var withoutHeader = await browser.GetAsync($"{host.Url}/remote/api/hello");
        var anonymous = await browser.ApiAsync($"{host.Url}/remote/api/hello");
        var open = await browser.GetAsync($"{host.Url}/open/api/hello");

        Assert.Equal(HttpStatusCode.Unauthorized, withoutHeader.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal(before, env.Api.Recorder.To("/api/hello").Count() - 1); // only the open one reached the API
        Assert.Equal(HttpStatusCode.Unauthorized, open.Status); // the API's own 401: no token was sent
        Assert.Null(env.Api.Recorder.To("/api/hello").Last().Header("Authorization"));
    }

    [Fact]
    public async Task A_remote_api_uses_its_own_retriever_and_the_client_token_by_type()
    {
        await using var host = await StartAsync(app =>
        {
            app.MapRemoteBffApiEndpoint("/client", new Uri(env.Api.Url + "/")).WithAccessToken(RequiredTokenType.Client, scope: "api");
            app.MapRemoteBffApiEndpoint("/fixed", new Uri(env.Api.Url + "/")).WithAccessTokenRetriever<NoTokenRetriever>();
        });
        using var browser = new TestBrowser();

        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{host.Url}/client/api/hello")).Status);
        Assert.Single(env.Idp.Grants(host.ClientId, "client_credentials"));
        Assert.Equal(HttpStatusCode.BadGateway, (await browser.ApiAsync($"{host.Url}/fixed/api/hello")).Status);
    }

    [Fact]
    public async Task A_remote_api_that_cannot_be_reached_is_502()
    {
        await using var host = await StartAsync(app => app.MapRemoteBffApiEndpoint("/dead", new Uri("http://127.0.0.1:9/")));
        using var browser = new TestBrowser();

        Assert.Equal(HttpStatusCode.BadGateway, (await browser.ApiAsync($"{host.Url}/dead/x")).Status);
    }

    [Fact]
    public async Task A_controller_marked_BffApi_requires_the_anti_forgery_header()
    {
        await using var host = await StartAsync(app => app.MapControllers(), mvc: true);
        using var browser = new TestBrowser();
        await browser.LoginAsync(host.Url);

        var without = await browser.GetAsync($"{host.Url}/mvc/orders");
        var with = await browser.ApiAsync($"{host.Url}/mvc/orders");

        Assert.Equal(HttpStatusCode.Unauthorized, without.Status);
        Assert.Equal(HttpStatusCode.OK, with.Status);
        Assert.Equal("alice", with.Body);
    }

    [Fact]
    public void Mapping_without_AddRemoteApis_says_what_to_call()
    {
        var builder = WebApplication.CreateBuilder();
        builder.Services.AddBff();
        using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapRemoteBffApiEndpoint("/remote", new Uri("https://orders.internal/")));

        Assert.Contains("AddRemoteApis()", error.Message, StringComparison.Ordinal);
    }

    private async Task<Host> StartAsync(Action<WebApplication> map, bool mvc = false, Action<Microsoft.Extensions.Configuration.ConfigurationManager>? settings = null)
    {
        var builder = await LibraryHost.CreateBuilderAsync(env);
        settings?.Invoke(builder.Configuration);
        builder.Services.AddBff().AddRemoteApis();
        if (mvc)
        {
            builder.Services.AddControllers().AddApplicationPart(typeof(OrdersController).Assembly);
        }

        var app = await LibraryHost.StartAsync(builder, map);
        return new Host(app, app.Configuration["Bff:Oidc:ClientId"]!);
    }

    /// <summary>An upstream that answers what it received (the token only to the test, never in the answer), and tries to plant the BFF's session cookie.</summary>
    private static async Task<WebApplication> EchoUpstreamAsync(System.Collections.Concurrent.ConcurrentQueue<string> authorization)
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/{**rest}", (HttpRequest request, HttpResponse response) =>
        {
            authorization.Enqueue(request.Headers.Authorization.ToString());
            response.Headers.SetCookie = new[] { "__Host-bff=planted; Path=/; Secure; HttpOnly", "theme=dark; path=/" };
            return Results.Json(new
            {
                path = request.Path.Value,
                query = request.QueryString.Value,
                cookie = request.Headers.Cookie.ToString(),
                csrf = request.Headers["X-CSRF"].ToString(),
                realIp = request.Headers["X-Real-IP"].ToString(),
            });
        });
        await app.StartAsync();
        return app;
    }

    private sealed class NoTokenRetriever : IAccessTokenRetriever
    {
        public Task<AccessTokenRetrievalResult> GetAccessTokenAsync(AccessTokenRetrievalContext context) =>
            Task.FromResult(AccessTokenRetrievalResult.Failure("not_for_you"));
    }

    private sealed class Host(WebApplication app, string clientId) : IAsyncDisposable
    {
        public string Url { get; } = app.BoundAddress();

        public string ClientId { get; } = clientId;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}

/// <summary>An MVC controller of the host, marked as a BFF API.</summary>
[ApiController]
[Route("mvc/orders")]
[BffApi]
public sealed class OrdersController : ControllerBase
{
    [HttpGet]
    public IActionResult Get() => Ok(User.FindFirst("sub")?.Value);
}
