using System.Net;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Logout;

[Collection(IntegrationCollection.Name)]
public sealed class BackChannelLogoutTests(IdpFixture env)
{
    private sealed record Sessions(TestBff Bff, TestBrowser Alice1, TestBrowser Alice2, TestBrowser Bob, string Alice1Sid) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Alice1.Dispose();
            Alice2.Dispose();
            Bob.Dispose();
            await Bff.DisposeAsync();
        }
    }

    /// <summary>Alice logged in from two browsers (two IdP sessions), Bob from one.</summary>
    private async Task<Sessions> ThreeSessionsAsync()
    {
        var bff = await env.StartBffAsync();
        var alice1 = new TestBrowser();
        var alice2 = new TestBrowser();
        var bob = new TestBrowser();
        await alice1.LoginAsync(bff.Url, "alice", "alice");
        await alice2.LoginAsync(bff.Url, "alice", "alice");
        await bob.LoginAsync(bff.Url, "bob", "bob");
        var sid = new UserClaims((await alice1.ApiAsync($"{bff.Url}/bff/user")).Body).Value("sid")!;
        return new Sessions(bff, alice1, alice2, bob, sid);
    }

    private static async Task<BrowserResponse> PostAsync(TestBff bff, string? logoutToken)
    {
        using var poster = new TestBrowser();
        var form = logoutToken is null ? new Dictionary<string, string>() : new Dictionary<string, string> { ["logout_token"] = logoutToken };
        return await poster.SendAsync(HttpMethod.Post, $"{bff.Url}/bff/backchannel", new FormUrlEncodedContent(form));
    }

    private static async Task<(HttpStatusCode Alice1, HttpStatusCode Alice2, HttpStatusCode Bob)> StatusesAsync(Sessions s) =>
        ((await s.Alice1.ApiAsync($"{s.Bff.Url}/bff/user")).Status,
         (await s.Alice2.ApiAsync($"{s.Bff.Url}/bff/user")).Status,
         (await s.Bob.ApiAsync($"{s.Bff.Url}/bff/user")).Status);

    [Fact]
    public async Task Valid_token_with_sid_ends_exactly_that_session()
    {
        await using var s = await ThreeSessionsAsync();
        var tokens = new LogoutTokens(env.Idp);

        var response = await PostAsync(s.Bff, tokens.Create(tokens.Claims(s.Bff.ClientId, s.Alice1Sid, "alice")));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Contains("no-store", response.Header("Cache-Control"), StringComparison.Ordinal);
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.OK, HttpStatusCode.OK), await StatusesAsync(s));
        Assert.Equal(HttpStatusCode.Unauthorized, (await s.Alice1.ApiAsync($"{s.Bff.Url}/api/hello")).Status);
    }

    [Fact]
    public async Task Valid_token_with_only_sub_ends_all_of_that_users_sessions()
    {
        await using var s = await ThreeSessionsAsync();
        var tokens = new LogoutTokens(env.Idp);

        var response = await PostAsync(s.Bff, tokens.Create(tokens.Claims(s.Bff.ClientId, sid: null, sub: "alice")));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Unauthorized, HttpStatusCode.OK), await StatusesAsync(s));

        // Their refresh tokens die with them (alice's two; bob's, issued last, lives).
        var refreshTokens = IssuedTokens.From(env.Idp, s.Bff.ClientId).RefreshTokens;
        var revoked = env.Idp.Recorder.To("/connect/revoke").Where(r => r.Status == 200).Select(r => r.Field("token")).ToList();
        Assert.Contains(refreshTokens[0], revoked);
        Assert.Contains(refreshTokens[1], revoked);
        Assert.DoesNotContain(refreshTokens[2], revoked);
    }

    [Theory]
    [InlineData("logout+jwt")]
    [InlineData("JWT")] // many providers type every JWT so
    [InlineData("Logout")] // Keycloak before version 25
    public async Task Valid_token_typed_as_providers_type_it_ends_the_session(string type)
    {
        await using var s = await ThreeSessionsAsync();
        var tokens = new LogoutTokens(env.Idp);

        var response = await PostAsync(s.Bff, tokens.Create(tokens.Claims(s.Bff.ClientId, s.Alice1Sid, "alice"), type: type));

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.OK, HttpStatusCode.OK), await StatusesAsync(s));
    }

    public static TheoryData<string> InvalidTokens =>
    [
        "wrong signature key", "alg none", "symmetric algorithm", "wrong iss", "wrong aud", "missing events",
        "wrong event", "nonce present", "neither sid nor sub", "iat far in the future", "expired", "missing jti",
        "missing iat", "typ of an access token", "not a JWT", "empty", "no logout_token", "nbf in the future",
    ];

    [Theory]
    [MemberData(nameof(InvalidTokens))]
    [Trait("Category", "Adversarial")]
    public async Task Invalid_token_is_400_and_ends_nothing(string defect)
    {
        await using var s = await ThreeSessionsAsync();
        var tokens = new LogoutTokens(env.Idp);
        var claims = tokens.Claims(s.Bff.ClientId, s.Alice1Sid, "alice");
        string? token = null;
        switch (defect)
        {
            case "wrong signature key": token = tokens.Create(claims, tokens.ForeignKeyWithTheIdpsKid()); break;
            case "alg none": token = LogoutTokens.WithAlgNone(claims); break;
            case "symmetric algorithm": token = LogoutTokens.SymmetricallySigned(claims, s.Bff.ClientSecret); break;
            case "wrong iss": claims["iss"] = "http://evil.example/"; break;
            case "wrong aud": claims["aud"] = "another-client"; break;
            case "missing events": claims.Remove("events"); break;
            case "wrong event": claims["events"] = new Dictionary<string, object> { ["http://schemas.openid.net/event/other"] = new Dictionary<string, object>() }; break;
            case "nonce present": claims["nonce"] = "n-0S6_WzA2Mj"; break;
            case "neither sid nor sub": claims.Remove("sid"); claims.Remove("sub"); break;
            case "iat far in the future": claims["iat"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds(); claims["exp"] = DateTimeOffset.UtcNow.AddHours(2).ToUnixTimeSeconds(); break;
            case "expired": claims["iat"] = DateTimeOffset.UtcNow.AddHours(-2).ToUnixTimeSeconds(); claims["exp"] = DateTimeOffset.UtcNow.AddHours(-1).ToUnixTimeSeconds(); break;
            case "missing jti": claims.Remove("jti"); break;
            case "missing iat": claims.Remove("iat"); break;
            case "typ of an access token": token = tokens.Create(claims, type: "at+jwt"); break;
            case "not a JWT": token = "this is not a jwt"; break;
            case "empty": token = string.Empty; break;
            case "no logout_token": break;
            case "nbf in the future": claims["nbf"] = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds(); claims["exp"] = DateTimeOffset.UtcNow.AddHours(2).ToUnixTimeSeconds(); break;
            default: throw new ArgumentOutOfRangeException(nameof(defect));
        }

        token ??= defect == "no logout_token" ? null : tokens.Create(claims);

        var response = await PostAsync(s.Bff, token);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("{\"error\":\"invalid_request\"}", response.Body); // which check failed is logged, never told
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK), await StatusesAsync(s));
    }

    [Fact]
    [Trait("Category", "Adversarial")]
    public async Task Replayed_token_is_400_the_second_time()
    {
        await using var s = await ThreeSessionsAsync();
        var tokens = new LogoutTokens(env.Idp);
        var token = tokens.Create(tokens.Claims(s.Bff.ClientId, s.Alice1Sid, "alice"));
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(s.Bff, token)).Status);
        await s.Alice1.LoginAsync(s.Bff.Url); // still signed in at the IdP: a new BFF session with the same sid
        Assert.Equal(s.Alice1Sid, new UserClaims((await s.Alice1.ApiAsync($"{s.Bff.Url}/bff/user")).Body).Value("sid"));

        var replay = await PostAsync(s.Bff, token);

        Assert.Equal(HttpStatusCode.BadRequest, replay.Status);
        Assert.Equal(HttpStatusCode.OK, (await s.Alice1.ApiAsync($"{s.Bff.Url}/bff/user")).Status);
    }
}
