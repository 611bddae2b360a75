using System.Net;
using Bff.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection;
using OpenBff.SessionCache;
using OpenBff.Sessions;

namespace Bff.Tests.Proxy;

/// <summary>
/// A session in use keeps its access token once: proxied requests send the cached ticket's header
/// value and never make the token string; an application asking for the token gets it, equal to
/// what the API received.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class SharedTokenTests(IdpFixture env)
{
    [Fact]
    public async Task Proxied_requests_send_the_cached_header_value_without_making_the_token_string()
    {
        await using var bff = await env.StartBffAsync(s => s["Bff:Session:Store"] = "Memory");
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
        }

        var session = Assert.Single(await bff.Services.GetRequiredService<IUserSessionStore>().FindAsync(new UserSessionFilter { SubjectId = "alice" }, CancellationToken.None));
        var cached = await bff.Services.GetRequiredService<ServerSideTicketStore>().RetrieveAsync(session.Key);
        var token = Assert.IsType<SharedProperties>(cached!.Properties).Token(".Token.access_token")!;
        Assert.False(token.HoldsAccessToken); // three proxied requests, no token string made
        Assert.Equal(token.HeaderValue, env.Api.Recorder.To("/api/hello").Last().Header("Authorization"));
        Assert.Equal(IssuedTokens.From(env.Idp, bff.ClientId).AccessTokens.Single(), cached.Properties.GetTokenValue("access_token"));
    }
}
