using System.Security.Cryptography;
using System.Text;
using OpenBff.Logout;
using OpenBff.Sessions;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Bff.Tests.Unit;

/// <summary>
/// <see cref="LogoutTokenValidator"/> on its own: the provider's configuration is a fixed
/// discovery document holding one RSA key, the clock a fake one. Each rule of Back-Channel Logout
/// 1.0 §2.6 refuses a token that breaks it and names the reason; a valid token names the sessions
/// to end, once.
/// </summary>
public sealed class LogoutTokenValidatorTests
{
    private const string Issuer = "https://idp.example/";
    private const string ClientId = "bff";
    private static readonly RsaSecurityKey ProviderKey = new(RSA.Create(2048)) { KeyId = "provider-key" };

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly LogoutTokenValidator _validator;

    public LogoutTokenValidatorTests()
    {
        var configuration = new OpenIdConnectConfiguration { Issuer = Issuer };
        configuration.SigningKeys.Add(ProviderKey);
        var oidc = new OpenIdConnectOptions { ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(configuration) };
        var bff = new BffOptions();
        bff.Oidc.ClientId = ClientId;
        _validator = new LogoutTokenValidator(new FixedMonitor<OpenIdConnectOptions>(oidc), Options.Create(bff), new InMemoryReplayCache(), _time);
    }

    [Fact]
    public async Task A_valid_token_names_the_provider_session_and_subject_to_end()
    {
        var result = await ValidateAsync(Create(Claims()));

        Assert.True(result.IsValid, result.Error);
        Assert.Equal(("sid-1", "alice"), (result.Sessions!.SessionId, result.Sessions.SubjectId));
    }

    [Theory]
    [InlineData("sid")]
    [InlineData("sub")]
    public async Task Either_sid_or_sub_is_enough(string without)
    {
        var claims = Claims();
        claims.Remove(without);

        Assert.True((await ValidateAsync(Create(claims))).IsValid);
    }

    [Fact]
    public async Task A_token_used_twice_is_refused_the_second_time()
    {
        var token = Create(Claims());

        Assert.True((await ValidateAsync(token)).IsValid);
        Assert.Equal("replayed jti", (await ValidateAsync(token)).Error);
    }

    [Theory]
    [InlineData("iss", "https://other.example/", "wrong issuer")]
    [InlineData("aud", "another-client", "wrong audience")]
    [InlineData("events", null, "no back-channel logout event")]
    [InlineData("jti", null, "no jti")]
    [InlineData("iat", null, "no iat")]
    [InlineData("nonce", "n-1", "a nonce is present")]
    public async Task A_token_breaking_a_rule_is_refused_and_the_reason_named(string claim, string? value, string reason)
    {
        var claims = Claims();
        if (value is null)
        {
            claims.Remove(claim);
        }
        else
        {
            claims[claim] = value;
        }

        Assert.Equal(reason, (await ValidateAsync(Create(claims))).Error);
    }

    [Fact]
    public async Task A_token_without_sid_and_sub_is_refused()
    {
        var claims = Claims();
        claims.Remove("sid");
        claims.Remove("sub");

        Assert.Equal("neither sid nor sub", (await ValidateAsync(Create(claims))).Error);
    }

    [Fact]
    public async Task An_events_member_without_the_logout_event_is_refused()
    {
        var claims = Claims();
        claims["events"] = new Dictionary<string, object> { ["http://schemas.openid.net/event/other"] = new Dictionary<string, object>() };

        Assert.Equal("no back-channel logout event", (await ValidateAsync(Create(claims))).Error);
    }

    [Fact]
    public async Task Times_are_judged_by_the_applications_clock_with_five_minutes_of_skew()
    {
        var now = _time.GetUtcNow();

        Assert.True((await ValidateAsync(Create(Claims(iat: now.AddMinutes(4))))).IsValid);
        Assert.Equal("iat is in the future", (await ValidateAsync(Create(Claims(iat: now.AddMinutes(6))))).Error);
        Assert.Equal("expired", (await ValidateAsync(Create(Claims(iat: now.AddMinutes(-10), exp: now.AddMinutes(-6))))).Error);
        Assert.Equal("iat is too old", (await ValidateAsync(Create(Claims(iat: now.AddMinutes(-11), noExp: true)))).Error);
        Assert.True((await ValidateAsync(Create(Claims(iat: now.AddMinutes(-9), noExp: true)))).IsValid);
    }

    [Fact]
    public async Task A_token_signed_with_another_key_is_refused()
    {
        var forged = new RsaSecurityKey(RSA.Create(2048)) { KeyId = ProviderKey.KeyId };

        Assert.Equal("invalid signature", (await ValidateAsync(Create(Claims(), forged))).Error);
        Assert.Equal("signed with an unknown key", (await ValidateAsync(Create(Claims(), new RsaSecurityKey(RSA.Create(2048)) { KeyId = "unknown" }))).Error);
    }

    [Fact]
    public async Task A_token_signed_with_a_symmetric_key_or_not_at_all_is_refused()
    {
        var symmetric = new SymmetricSecurityKey(SHA256.HashData(Encoding.UTF8.GetBytes("client-secret")));
        var hmac = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = Claims(),
            SigningCredentials = new SigningCredentials(symmetric, SecurityAlgorithms.HmacSha256),
            TokenType = "logout+jwt",
        });
        var unsigned = string.Join('.', Base64UrlEncoder.Encode("""{"alg":"none","typ":"logout+jwt"}"""), Base64UrlEncoder.Encode("""{"iss":"https://idp.example/"}"""), string.Empty);

        Assert.Equal("the algorithm 'HS256' is not allowed", (await ValidateAsync(hmac)).Error);
        Assert.Equal("the algorithm 'none' is not allowed", (await ValidateAsync(unsigned)).Error);
        Assert.Equal("the logout_token is not a JWT", (await ValidateAsync("not-a-jwt")).Error);
    }

    [Theory]
    [InlineData("logout+jwt", true)]
    [InlineData("JWT", true)]
    [InlineData("Logout", true)] // Keycloak before version 25
    [InlineData(null, true)]
    [InlineData("at+jwt", false)]
    public async Task Only_logout_and_generic_token_types_are_accepted(string? type, bool accepted)
    {
        var result = await ValidateAsync(Create(Claims(), type: type));

        Assert.Equal(accepted, result.IsValid);
        if (!accepted)
        {
            Assert.Equal("the typ header is not logout+jwt", result.Error);
        }
    }

    private Task<LogoutTokenResult> ValidateAsync(string token) => _validator.ValidateAsync(token, CancellationToken.None);

    /// <summary>A valid token's claims; <paramref name="exp"/> two minutes after <c>iat</c> unless given, none when <paramref name="noExp"/>.</summary>
    private Dictionary<string, object> Claims(DateTimeOffset? iat = null, DateTimeOffset? exp = null, bool noExp = false)
    {
        var issued = iat ?? _time.GetUtcNow();
        var claims = new Dictionary<string, object>
        {
            ["iss"] = Issuer,
            ["aud"] = ClientId,
            ["iat"] = issued.ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["events"] = new Dictionary<string, object> { [LogoutTokenValidator.BackChannelLogoutEvent] = new Dictionary<string, object>() },
            ["sid"] = "sid-1",
            ["sub"] = "alice",
        };
        if (!noExp)
        {
            claims["exp"] = (exp ?? issued.AddMinutes(2)).ToUnixTimeSeconds();
        }

        return claims;
    }

    private static string Create(Dictionary<string, object> claims, SecurityKey? key = null, string? type = "logout+jwt") =>
        new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = new SigningCredentials(key ?? ProviderKey, SecurityAlgorithms.RsaSha256),
            TokenType = type,
        });

    private sealed class FixedMonitor<T>(T value) : IOptionsMonitor<T>
    {
        public T CurrentValue => value;

        public T Get(string? name) => value;

        public IDisposable? OnChange(Action<T, string?> listener) => null;
    }
}
