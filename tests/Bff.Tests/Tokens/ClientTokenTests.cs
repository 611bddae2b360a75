using System.Net;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Tokens;

[Collection(IntegrationCollection.Name)]
public sealed class ClientTokenTests(IdpFixture env)
{
    [Fact]
    public async Task Client_route_fetches_one_token_for_many_calls_and_renews_it_after_expiry()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();

        var concurrent = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => browser.ApiAsync($"{bff.Url}/client/api/echo")));
        for (var i = 0; i < 30; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/client/api/echo")).Status);
        }

        Assert.All(concurrent, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.All(concurrent, r => Assert.True(new Echo(r.Body).Authenticated));
        Assert.Single(env.Idp.Grants(bff.ClientId, "client_credentials"));

        bff.Time.Advance(TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(1)); // within a minute of the 5 minute expiry
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/client/api/echo")).Status);
        Assert.Equal(2, env.Idp.Grants(bff.ClientId, "client_credentials").Count());
        var tokens = IssuedTokens.From(env.Idp, bff.ClientId).AccessTokens;
        Assert.Equal($"Bearer {tokens[^1]}", env.Api.Recorder.To("/api/echo").Last().Header("Authorization"));
    }

    [Fact]
    public async Task Client_route_when_the_idp_refuses_the_client_answers_502()
    {
        await using var bff = await env.StartBffAsync(client: ("unknown-client", "wrong-secret"));
        using var browser = new TestBrowser();

        var response = await browser.ApiAsync($"{bff.Url}/client/api/echo");

        Assert.Equal(HttpStatusCode.BadGateway, response.Status);
    }
}
