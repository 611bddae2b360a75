using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using OpenBff.Sessions;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace OpenBff.Logout;

/// <summary>
/// Validates an OIDC Back-Channel Logout 1.0 <c>logout_token</c>, every check in order:
/// a signed JWT (no <c>alg: none</c>, no symmetric algorithm), <c>typ</c> <c>logout+jwt</c> when
/// present, signature against the provider's JWKS (refetched once on an unknown <c>kid</c>),
/// <c>iss</c>, <c>aud</c> = our client id, <c>iat</c> within the clock skew and not too old,
/// <c>nbf</c> and <c>exp</c> when present, the back-channel logout <c>events</c> member, <c>sid</c> and/or
/// <c>sub</c>, no <c>nonce</c>, and last a <c>jti</c> never seen before (shared replay cache).
/// </summary>
internal sealed class LogoutTokenValidator
{
    public const string BackChannelLogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);
    private static readonly string[] AsymmetricAlgorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    /// <summary>
    /// <c>logout+jwt</c> (explicit typing, §4.1), the generic <c>JWT</c> and Keycloak's <c>Logout</c>
    /// (before version 25). Another token type (an access token's <c>at+jwt</c>...) is refused; an
    /// ID token, typed <c>JWT</c>, is refused by the <c>events</c> and <c>nonce</c> checks, the
    /// specification's own defence against cross-JWT confusion for untyped tokens.
    /// </summary>
    private static readonly string[] AcceptedTypes = ["logout+jwt", "application/logout+jwt", "JWT", "Logout"];

    private readonly IOptionsMonitor<OpenIdConnectOptions> _oidcOptions;
    private readonly IOptions<BffOptions> _bffOptions;
    private readonly IReplayCache _replayCache;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public LogoutTokenValidator(IOptionsMonitor<OpenIdConnectOptions> oidcOptions, IOptions<BffOptions> bffOptions, IReplayCache replayCache, TimeProvider time)
    {
        _oidcOptions = oidcOptions;
        _bffOptions = bffOptions;
        _replayCache = replayCache;
        _time = time;
    }

    public async Task<LogoutTokenResult> ValidateAsync(string logoutToken, CancellationToken cancellationToken)
    {
        if (!_handler.CanReadToken(logoutToken))
        {
            return LogoutTokenResult.Invalid("the logout_token is not a JWT");
        }

        var token = new JsonWebToken(logoutToken);
        if (token.IsEncrypted)
        {
            return LogoutTokenResult.Invalid("encrypted logout tokens are not supported");
        }

        if (!AsymmetricAlgorithms.Contains(token.Alg, StringComparer.Ordinal))
        {
            return LogoutTokenResult.Invalid($"the algorithm '{BffLog.Sanitize(token.Alg, 16)}' is not allowed");
        }

        if (!string.IsNullOrEmpty(token.Typ) && !AcceptedTypes.Contains(token.Typ, StringComparer.OrdinalIgnoreCase))
        {
            return LogoutTokenResult.Invalid("the typ header is not logout+jwt");
        }

        var options = _oidcOptions.Get(BffDefaults.OidcScheme);
        var configuration = await options.ConfigurationManager!.GetConfigurationAsync(cancellationToken);
        var validation = await ValidateSignatureAsync(logoutToken, configuration, cancellationToken);
        if (validation.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // The provider may have rotated its keys since we last read its JWKS.
            options.ConfigurationManager.RequestRefresh();
            configuration = await options.ConfigurationManager.GetConfigurationAsync(cancellationToken);
            validation = await ValidateSignatureAsync(logoutToken, configuration, cancellationToken);
        }

        if (!validation.IsValid)
        {
            return LogoutTokenResult.Invalid(validation.Exception switch
            {
                SecurityTokenInvalidIssuerException => "wrong issuer",
                SecurityTokenInvalidAudienceException => "wrong audience",
                SecurityTokenSignatureKeyNotFoundException => "signed with an unknown key",
                SecurityTokenInvalidSignatureException => "invalid signature",
                _ => "invalid token",
            });
        }

        var now = _time.GetUtcNow();
        if (!token.TryGetPayloadValue<long>("iat", out var iatSeconds))
        {
            return LogoutTokenResult.Invalid("no iat");
        }

        var issuedAt = DateTimeOffset.FromUnixTimeSeconds(iatSeconds);
        if (issuedAt > now + ClockSkew)
        {
            return LogoutTokenResult.Invalid("iat is in the future");
        }

        if (token.TryGetPayloadValue<long>("nbf", out var nbfSeconds) && DateTimeOffset.FromUnixTimeSeconds(nbfSeconds) > now + ClockSkew)
        {
            return LogoutTokenResult.Invalid("nbf is in the future");
        }

        DateTimeOffset? expires = token.TryGetPayloadValue<long>("exp", out var expSeconds) ? DateTimeOffset.FromUnixTimeSeconds(expSeconds) : null;
        if (expires is { } exp && exp + ClockSkew < now)
        {
            return LogoutTokenResult.Invalid("expired");
        }

        if (expires is null && issuedAt + MaxAge + ClockSkew < now)
        {
            return LogoutTokenResult.Invalid("iat is too old");
        }

        if (!HasBackChannelLogoutEvent(token))
        {
            return LogoutTokenResult.Invalid("no back-channel logout event");
        }

        if (token.TryGetPayloadValue<object>("nonce", out _))
        {
            return LogoutTokenResult.Invalid("a nonce is present");
        }

        var sid = token.TryGetPayloadValue<string>("sid", out var s) && !string.IsNullOrEmpty(s) ? s : null;
        var sub = token.TryGetPayloadValue<string>("sub", out var u) && !string.IsNullOrEmpty(u) ? u : null;
        if (sid is null && sub is null)
        {
            return LogoutTokenResult.Invalid("neither sid nor sub");
        }

        if (!token.TryGetPayloadValue<string>("jti", out var jti) || string.IsNullOrEmpty(jti))
        {
            return LogoutTokenResult.Invalid("no jti");
        }

        var replayKey = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes($"{token.Issuer}\n{jti}")));
        var rememberUntil = (expires ?? issuedAt + MaxAge) + ClockSkew;
        if (!await _replayCache.TryUseOnceAsync(replayKey, rememberUntil, now, cancellationToken))
        {
            return LogoutTokenResult.Invalid("replayed jti");
        }

        return LogoutTokenResult.Valid(new UserSessionFilter { SessionId = sid, SubjectId = sub });
    }

    private Task<TokenValidationResult> ValidateSignatureAsync(string logoutToken, OpenIdConnectConfiguration configuration, CancellationToken cancellationToken) =>
        _handler.ValidateTokenAsync(logoutToken, new TokenValidationParameters
        {
            ValidIssuer = configuration.Issuer,
            ValidAudience = _bffOptions.Value.Oidc.ClientId,
            IssuerSigningKeys = configuration.SigningKeys,
            ValidAlgorithms = AsymmetricAlgorithms,
            ValidateIssuerSigningKey = true,
            RequireSignedTokens = true,
            ValidateLifetime = false, // checked against the TimeProvider above
            RequireExpirationTime = false,
            ValidTypes = null,
        });

    private static bool HasBackChannelLogoutEvent(JsonWebToken token)
    {
        if (!token.TryGetPayloadValue<JsonElement>("events", out var events) || events.ValueKind != JsonValueKind.Object)
        {
            return false;
        }

        return events.TryGetProperty(BackChannelLogoutEvent, out var logoutEvent) && logoutEvent.ValueKind == JsonValueKind.Object;
    }
}
