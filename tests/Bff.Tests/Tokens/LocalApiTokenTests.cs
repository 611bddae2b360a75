using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Bff.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Tokens;

/// <summary>
/// A host's own endpoint (a local API, not the proxy) gets the user's access token with
/// <c>HttpContext.GetUserAccessTokenAsync()</c> and calls the downstream API itself: the same
/// token, refreshed and single-flighted as the proxy's; the client token likewise.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class LocalApiTokenTests(IdpFixture env)
{
    [Fact]
    public async Task A_local_api_calls_the_downstream_api_with_the_users_access_token()
    {
        await using var host = await LocalHost.StartAsync(env);
        using var browser = new TestBrowser();
        await browser.LoginAsync(host.Url);

        var response = await browser.ApiAsync($"{host.Url}/local/orders");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var issued = IssuedTokens.From(env.Idp, host.ClientId);
        Assert.Equal($"Bearer {issued.AccessTokens[^1]}", env.Api.Recorder.To("/api/hello").Last().Header("Authorization"));
        using var body = JsonDocument.Parse(response.Body);
        var expiration = body.RootElement.GetProperty("expiration").GetDateTimeOffset();
        Assert.InRange(expiration - host.Time.GetUtcNow(), TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5.1)); // the IdP's 5-minute tokens
        Assert.Empty(env.Idp.Grants(host.ClientId, "refresh_token"));
    }

    [Fact]
    public async Task A_local_api_sees_the_same_tokens_on_every_request_whether_the_session_cache_hit_or_missed()
    {
        await using var host = await LocalHost.StartAsync(env);
        using var browser = new TestBrowser();
        await browser.LoginAsync(host.Url);

        var answers = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var r = await browser.ApiAsync($"{host.Url}/local/tokens");
            answers.Add($"{(int)r.Status} {r.Body}");
            host.Time.Advance(TimeSpan.FromMinutes(i == 1 ? 6 : 0)); // after the second, past the decrypted ticket's idle lifetime: a miss
        }

        // The access token is there; the ID and refresh tokens, which only the BFF's own logout and
        // refresh use (reading the session from the store), never are.
        Assert.All(answers, answer => Assert.Equal("""200 {"access":true,"id":false,"refresh":false}""", answer));
    }

    [Fact]
    public async Task An_expiring_token_is_refreshed_once_for_concurrent_local_calls()
    {
        await using var host = await LocalHost.StartAsync(env);
        using var browser = new TestBrowser();
        await browser.LoginAsync(host.Url);
        host.Time.Advance(TimeSpan.FromMinutes(5));

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => browser.ApiAsync($"{host.Url}/local/orders")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        var refresh = Assert.Single(env.Idp.Grants(host.ClientId, "refresh_token"));
        Assert.Equal(200, refresh.Status);
        Assert.Equal($"Bearer {IssuedTokens.From(env.Idp, host.ClientId).AccessTokens[^1]}", env.Api.Recorder.To("/api/hello").Last().Header("Authorization"));
    }

    [Fact]
    public async Task Force_renewal_refreshes_a_token_that_is_not_near_expiry_and_the_session_keeps_the_new_one()
    {
        await using var host = await LocalHost.StartAsync(env);
        using var browser = new TestBrowser();
        await browser.LoginAsync(host.Url);

        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{host.Url}/local/orders?force=true")).Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{host.Url}/local/orders")).Status);

        Assert.Single(env.Idp.Grants(host.ClientId, "refresh_token"), g => g.Status == 200);
        var newest = IssuedTokens.From(env.Idp, host.ClientId).AccessTokens[^1];
        Assert.All(env.Api.Recorder.To("/api/hello").TakeLast(2), r => Assert.Equal($"Bearer {newest}", r.Header("Authorization")));
    }

    [Fact]
    public async Task A_scope_asks_for_that_apis_token_with_the_refresh_token_and_keeps_it_in_the_session()
    {
        await using var host = await LocalHost.StartAsync(env);
        using var browser = new TestBrowser();
        await browser.LoginAsync(host.Url);

        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{host.Url}/local/orders?scope=api")).Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{host.Url}/local/orders?scope=api")).Status);

        var grant = Assert.Single(env.Idp.Grants(host.ClientId, "refresh_token"));
        Assert.Equal("api", grant.Field("scope"));
    }

    [Fact]
    public async Task Without_a_session_the_answer_says_no_session_and_nothing_is_called()
    {
        await using var host = await LocalHost.StartAsync(env);
        using var browser = new TestBrowser();
        var before = env.Api.Recorder.To("/api/hello").Count();

        var response = await browser.ApiAsync($"{host.Url}/local/orders");

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Contains("\"no_session\"", response.Body, StringComparison.Ordinal);
        Assert.Equal(before, env.Api.Recorder.To("/api/hello").Count());
    }

    [Fact]
    public async Task The_client_token_is_fetched_once_and_shared()
    {
        await using var host = await LocalHost.StartAsync(env);
        using var browser = new TestBrowser();

        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{host.Url}/local/client")).Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{host.Url}/local/client")).Status);

        var grant = Assert.Single(env.Idp.Grants(host.ClientId, "client_credentials"));
        Assert.Equal("api", grant.Field("scope"));
    }

    [Fact]
    public async Task A_resource_that_is_not_an_absolute_uri_is_refused_with_an_argument_error()
    {
        await using var host = await LocalHost.StartAsync(env);
        var context = new DefaultHttpContext { RequestServices = host.Services };

        var error = await Assert.ThrowsAsync<ArgumentException>(() => context.GetUserAccessTokenAsync(new UserTokenRequestParameters { Resource = "/orders" }));

        Assert.Contains("absolute URI", error.Message, StringComparison.Ordinal);
    }

    /// <summary>An application's host with a local API that calls the test API itself.</summary>
    private sealed class LocalHost : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private LocalHost(WebApplication app, string clientId, FakeTimeProvider time)
        {
            _app = app;
            ClientId = clientId;
            Time = time;
            Url = app.BoundAddress();
        }

        public string Url { get; }

        public string ClientId { get; }

        public FakeTimeProvider Time { get; }

        public IServiceProvider Services => _app.Services;

        public static async Task<LocalHost> StartAsync(IdpFixture env)
        {
            var builder = await LibraryHost.CreateBuilderAsync(env);
            var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
            builder.Services.AddSingleton<TimeProvider>(time);
            builder.Services.AddHttpClient();
            var app = await LibraryHost.StartAsync(builder, host =>
            {
                host.MapGet("/local/orders", async (HttpContext context, IHttpClientFactory clients) =>
                {
                    var token = await context.GetUserAccessTokenAsync(new UserTokenRequestParameters
                    {
                        Scope = context.Request.Query["scope"],
                        ForceRenewal = context.Request.Query.ContainsKey("force"),
                    });
                    return await CallApiAsync(env, clients, token);
                }).AsBffApiEndpoint();
                host.MapGet("/local/tokens", async context => await context.Response.WriteAsJsonAsync(new
                {
                    access = await context.GetTokenAsync("access_token") is not null,
                    id = await context.GetTokenAsync("id_token") is not null,
                    refresh = await context.GetTokenAsync("refresh_token") is not null,
                })).AsBffApiEndpoint();
                host.MapGet("/local/client", async (HttpContext context, IHttpClientFactory clients) =>
                    await CallApiAsync(env, clients, await context.GetClientAccessTokenAsync(new UserTokenRequestParameters { Scope = "api" }))).AsBffApiEndpoint();
            });
            var clientId = app.Configuration["Bff:Oidc:ClientId"]!;
            return new LocalHost(app, clientId, time);
        }

        private static async Task<IResult> CallApiAsync(IdpFixture env, IHttpClientFactory clients, ClientCredentialsToken token)
        {
            if (token.IsError)
            {
                return Results.Json(new { error = token.Error }, statusCode: StatusCodes.Status401Unauthorized);
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, $"{env.Api.Url}/api/hello");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
            using var response = await clients.CreateClient().SendAsync(request);
            return Results.Json(new { status = (int)response.StatusCode, expiration = token.Expiration }, statusCode: (int)response.StatusCode);
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
