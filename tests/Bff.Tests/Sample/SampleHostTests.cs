using System.Net;
using System.Text.Json;
using Bff.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;

namespace Bff.Tests.Sample;

/// <summary>
/// The sample host (samples/Bff.Sample) does what its Program.cs says: a local API calling the
/// downstream API with the user's token, a real RFC 8693 token exchange on the orders route, a
/// remote API mapped in C#, and a return-URL validator for the SPA's origin. Logged in through the
/// dev IdP's login page; the APIs are the real sample API validating the tokens they get.
/// </summary>
public sealed class SampleHostTests(SampleFixture env) : IClassFixture<SampleFixture>
{
    private const string TokenExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange";

    [Fact]
    public async Task The_local_api_calls_the_downstream_api_with_the_users_access_token_and_returns_its_answer()
    {
        await using var host = await SampleHost.StartAsync(env);
        using var browser = new TestBrowser();
        await browser.LoginAsync(host.Url);

        var response = await browser.ApiAsync($"{host.Url}/api/local/orders");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Contains("(alice)", response.Body, StringComparison.Ordinal); // the sample API's todos of the token's subject
        Assert.Equal($"Bearer {UserToken(host)}", env.Api.Recorder.To("/api/todos").Last().Header("Authorization"));
    }

    [Fact]
    public async Task The_orders_route_sends_a_token_exchanged_for_the_orders_audience_on_behalf_of_the_user()
    {
        await using var host = await SampleHost.StartAsync(env);
        using var browser = new TestBrowser();
        await browser.LoginAsync(host.Url);

        var response = await browser.ApiAsync($"{host.Url}/api/orders/hello");

        Assert.Equal(HttpStatusCode.OK, response.Status); // the orders API accepts aud=orders-api only
        var user = UserToken(host);
        var exchange = Assert.Single(env.Idp.Grants(host.ClientId, TokenExchangeGrant));
        Assert.Equal((user, "urn:ietf:params:oauth:token-type:access_token", SampleFixture.OrdersAudience), (exchange.Field("subject_token"), exchange.Field("subject_token_type"), exchange.Field("audience")));
        var sent = env.OrdersApi.Recorder.To("/api/hello").Last().Header("Authorization")!["Bearer ".Length..];
        Assert.NotEqual(user, sent);
        using var token = Payload(sent);
        using var userToken = Payload(user);
        var claims = token.RootElement;
        Assert.Equal(SampleFixture.OrdersAudience, claims.GetProperty("aud").ToString());
        Assert.Equal(userToken.RootElement.GetProperty("sub").GetString(), claims.GetProperty("sub").GetString());
        Assert.Equal(host.ClientId, claims.GetProperty("act").GetProperty("sub").GetString()); // the BFF acts for the user
    }

    [Fact]
    public async Task The_exchanged_token_is_reused_while_it_is_valid()
    {
        await using var host = await SampleHost.StartAsync(env);
        using var browser = new TestBrowser();
        await browser.LoginAsync(host.Url);

        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{host.Url}/api/orders/hello")).Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{host.Url}/api/orders/hello")).Status);

        Assert.Single(env.Idp.Grants(host.ClientId, TokenExchangeGrant));
        var sent = env.OrdersApi.Recorder.To("/api/hello").TakeLast(2).Select(r => r.Header("Authorization")).ToList();
        Assert.Equal(sent[0], sent[1]);
    }

    [Fact]
    public async Task A_refused_exchange_answers_502_and_the_orders_api_is_not_called()
    {
        await using var host = await SampleHost.StartAsync(env, tokenExchange: false);
        using var browser = new TestBrowser();
        await browser.LoginAsync(host.Url);
        var before = env.OrdersApi.Recorder.To("/api/hello").Count();

        var response = await browser.ApiAsync($"{host.Url}/api/orders/hello");

        Assert.Equal(HttpStatusCode.BadGateway, response.Status);
        var refusal = Assert.Single(env.Idp.Grants(host.ClientId, TokenExchangeGrant));
        using var error = JsonDocument.Parse(refusal.ResponseBody);
        Assert.Equal((400, "unauthorized_client"), (refusal.Status, error.RootElement.GetProperty("error").GetString())); // the IdP refused this client
        Assert.Equal(before, env.OrdersApi.Recorder.To("/api/hello").Count());
    }

    [Fact]
    public async Task The_remote_api_mapped_in_code_gets_the_users_access_token()
    {
        await using var host = await SampleHost.StartAsync(env);
        using var browser = new TestBrowser();
        await browser.LoginAsync(host.Url);

        var response = await browser.ApiAsync($"{host.Url}/api/remote/hello");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal($"Bearer {UserToken(host)}", env.Api.Recorder.To("/api/hello").Last().Header("Authorization"));
    }

    [Fact]
    public async Task Login_returns_to_the_configured_spa_origin()
    {
        await using var host = await SampleHost.StartAsync(env);
        using var browser = new TestBrowser();

        var callback = await browser.LoginAsync(host.Url, returnUrl: $"{SampleHost.SpaOrigin}/welcome");

        Assert.Equal(HttpStatusCode.Redirect, callback.Status);
        Assert.Equal($"{SampleHost.SpaOrigin}/welcome", callback.Headers.Location!.OriginalString);
    }

    [Theory]
    [InlineData("https://evil.example.com/")]
    [InlineData("https://spa.example.com.evil.example/")]
    [InlineData("http://spa.example.com/")]
    public async Task Login_refuses_to_return_to_another_origin(string returnUrl)
    {
        await using var host = await SampleHost.StartAsync(env);
        using var browser = new TestBrowser();

        var login = await browser.GetAsync($"{host.Url}/bff/login?returnUrl={Uri.EscapeDataString(returnUrl)}");

        Assert.Equal(HttpStatusCode.BadRequest, login.Status);
        Assert.Null(login.Location);
    }

    /// <summary>The access token the login (the code grant) gave the sample's client.</summary>
    private string UserToken(SampleHost host)
    {
        var login = env.Idp.Grants(host.ClientId, "authorization_code").Last(r => r.Status == 200);
        using var body = JsonDocument.Parse(login.ResponseBody);
        return body.RootElement.GetProperty("access_token").GetString()!;
    }

    private static JsonDocument Payload(string jwt) => JsonDocument.Parse(Base64UrlEncoder.Decode(jwt.Split('.')[1]));
}
