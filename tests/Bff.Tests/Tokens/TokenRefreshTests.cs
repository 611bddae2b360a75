using System.Net;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Tokens;

[Collection(IntegrationCollection.Name)]
public sealed class TokenRefreshTests(IdpFixture env)
{
    [Fact]
    public async Task Expired_user_token_is_refreshed_before_the_call_and_the_rotated_tokens_are_used()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
        Assert.Empty(env.Idp.Grants(bff.ClientId, "refresh_token"));

        bff.Time.Advance(TimeSpan.FromMinutes(5)); // the IdP's access tokens live 5 minutes
        var response = await browser.ApiAsync($"{bff.Url}/api/hello");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var refresh = Assert.Single(env.Idp.Grants(bff.ClientId, "refresh_token"));
        Assert.Equal(200, refresh.Status);
        var issued = IssuedTokens.From(env.Idp, bff.ClientId);
        Assert.Equal(issued.RefreshTokens[0], refresh.Field("refresh_token"));
        Assert.Equal(bff.ClientSecret, refresh.Field("client_secret"));
        Assert.Equal($"Bearer {issued.AccessTokens[^1]}", env.Api.Recorder.To("/api/hello").Last().Header("Authorization"));

        // A second rotation uses the newest refresh token (the IdP rejects reuse of the first).
        bff.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
        var refreshes = env.Idp.Grants(bff.ClientId, "refresh_token").ToList();
        Assert.Equal(2, refreshes.Count);
        Assert.Equal(IssuedTokens.From(env.Idp, bff.ClientId).RefreshTokens[1], refreshes[1].Field("refresh_token"));
        Assert.All(refreshes, r => Assert.Equal(200, r.Status));
    }

    [Fact]
    public async Task Token_still_fresh_is_not_refreshed()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);

        bff.Time.Advance(TimeSpan.FromMinutes(3)); // 2 minutes left, refresh starts 1 minute before expiry
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
        Assert.Empty(env.Idp.Grants(bff.ClientId, "refresh_token"));

        bff.Time.Advance(TimeSpan.FromSeconds(61)); // now within RefreshBeforeExpiry
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
        Assert.Single(env.Idp.Grants(bff.ClientId, "refresh_token"));
    }

    [Fact]
    public async Task Concurrent_requests_with_an_expired_token_cause_one_refresh()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        bff.Time.Advance(TimeSpan.FromMinutes(6));

        var responses = await Task.WhenAll(Enumerable.Range(0, 25).Select(_ => browser.ApiAsync($"{bff.Url}/api/hello")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.Status));
        Assert.Single(env.Idp.Grants(bff.ClientId, "refresh_token"));
    }

    [Fact]
    public async Task Refresh_token_revoked_at_the_idp_ends_the_session_with_401()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var refreshToken = IssuedTokens.From(env.Idp, bff.ClientId).RefreshTokens.Single();
        await env.Idp.RevokeAsync(bff.ClientId, bff.ClientSecret, refreshToken);

        bff.Time.Advance(TimeSpan.FromMinutes(6));
        var response = await browser.ApiAsync($"{bff.Url}/api/hello");

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("invalid_grant", System.Text.Json.JsonDocument.Parse(env.Idp.Grants(bff.ClientId, "refresh_token").Single().ResponseBody).RootElement.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
    }

    [Fact]
    public async Task Idp_failing_during_refresh_answers_502_and_keeps_the_session()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        bff.Time.Advance(TimeSpan.FromMinutes(6));

        env.Idp.Recorder.FailPathPrefix = "/connect/token";
        BrowserResponse failed;
        try
        {
            failed = await browser.ApiAsync($"{bff.Url}/api/hello");
        }
        finally
        {
            env.Idp.Recorder.FailPathPrefix = null;
        }

        Assert.Equal(HttpStatusCode.BadGateway, failed.Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/api/hello")).Status);
    }
}
