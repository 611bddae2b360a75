using System.Net;
using Bff.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bff.Tests.Proxy;

/// <summary>
/// A route that names a keyed <see cref="IAccessTokenRetriever"/> (<c>Bff.AccessTokenRetriever</c>)
/// sends the token that retriever decides; its errors are answered as the BFF's own; an unknown
/// key stops the host at start.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class AccessTokenRetrieverTests(IdpFixture env)
{
    private static void ExchangeRoute(Dictionary<string, string?> settings)
    {
        settings["ReverseProxy:Routes:exchange:ClusterId"] = "api";
        settings["ReverseProxy:Routes:exchange:Match:Path"] = "/exchange/api/{**rest}";
        settings["ReverseProxy:Routes:exchange:Metadata:Bff.TokenType"] = "User";
        settings["ReverseProxy:Routes:exchange:Metadata:Bff.Scope"] = "api";
        settings["ReverseProxy:Routes:exchange:Metadata:Bff.AccessTokenRetriever"] = "exchange";
        settings["ReverseProxy:Routes:exchange:Transforms:0:PathRemovePrefix"] = "/exchange";
    }

    [Fact]
    public async Task The_routes_retriever_decides_the_token_and_sees_the_routes_settings()
    {
        var retriever = new ScopedUserTokenRetriever();
        await using var bff = await env.StartBffAsync(ExchangeRoute, services: s => s.AddKeyedSingleton<IAccessTokenRetriever>("exchange", retriever));
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);

        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/exchange/api/hello")).Status);
        var exchanged = env.Api.Recorder.To("/api/hello").Last().Header("Authorization");
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
        var main = env.Api.Recorder.To("/api/hello").Last().Header("Authorization");

        var context = Assert.Single(retriever.Seen);
        Assert.Equal(("exchange", RequiredTokenType.User, "api", (string?)null), (context.RouteId, context.TokenType, context.Scope, context.Resource));
        var grant = Assert.Single(env.Idp.Grants(bff.ClientId, "refresh_token")); // the retriever's own choice: the user's token for scope api
        Assert.Equal("api", grant.Field("scope"));
        Assert.Equal($"Bearer {IssuedTokens.From(env.Idp, bff.ClientId).AccessTokens[^1]}", exchanged);
        Assert.NotEqual(main, exchanged); // other routes keep the session's main token
    }

    [Theory]
    [InlineData("session_ended", HttpStatusCode.Unauthorized)]
    [InlineData("no_session", HttpStatusCode.Unauthorized)]
    [InlineData("timeout", HttpStatusCode.GatewayTimeout)]
    [InlineData("exchange_refused", HttpStatusCode.BadGateway)]
    public async Task A_retrievers_error_is_answered_as_the_bffs_own(string error, HttpStatusCode expected)
    {
        await using var bff = await env.StartBffAsync(ExchangeRoute, services: s => s.AddKeyedSingleton<IAccessTokenRetriever>("exchange", new Failing(error)));
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var before = env.Api.Recorder.To("/api/hello").Count();

        Assert.Equal(expected, (await browser.ApiAsync($"{bff.Url}/exchange/api/hello")).Status);
        Assert.Equal(before, env.Api.Recorder.To("/api/hello").Count());
    }

    [Fact]
    public async Task No_token_sends_the_request_without_authorization()
    {
        await using var bff = await env.StartBffAsync(ExchangeRoute, services: s => s.AddKeyedSingleton<IAccessTokenRetriever>("exchange", new Failing(null)));
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{bff.Url}/exchange/api/hello")).Status); // the API's own 401
        Assert.Null(env.Api.Recorder.To("/api/hello").Last().Header("Authorization"));
    }

    [Fact]
    public async Task A_route_naming_an_unregistered_retriever_stops_the_host_at_start()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => env.StartBffAsync(ExchangeRoute));

        Assert.Contains("Bff.AccessTokenRetriever 'exchange' is not registered", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Asks for the user's token of the route's scope (a stand-in for a token exchange).</summary>
    private sealed class ScopedUserTokenRetriever : IAccessTokenRetriever
    {
        public List<AccessTokenRetrievalContext> Seen { get; } = [];

        public async Task<AccessTokenRetrievalResult> GetAccessTokenAsync(AccessTokenRetrievalContext context)
        {
            Seen.Add(context);
            var token = await context.HttpContext.GetUserAccessTokenAsync(new UserTokenRequestParameters { Scope = context.Scope }, context.CancellationToken);
            return token.IsError ? AccessTokenRetrievalResult.Failure(token.Error!) : AccessTokenRetrievalResult.Success(token.AccessToken!);
        }
    }

    private sealed class Failing(string? error) : IAccessTokenRetriever
    {
        public Task<AccessTokenRetrievalResult> GetAccessTokenAsync(AccessTokenRetrievalContext context) =>
            Task.FromResult(error is null ? AccessTokenRetrievalResult.NoToken : AccessTokenRetrievalResult.Failure(error));
    }
}
