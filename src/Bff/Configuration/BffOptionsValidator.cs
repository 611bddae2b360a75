using OpenBff.Core;
using Microsoft.Extensions.Options;

namespace OpenBff.Configuration;

/// <summary>
/// Validates <see cref="BffOptions"/> at start-up. Collects every failure, each naming the
/// configuration key and what to do about it.
/// </summary>
internal sealed class BffOptionsValidator : IValidateOptions<BffOptions>
{
    public ValidateOptionsResult Validate(string? name, BffOptions options)
    {
        var failures = new List<string>();
        ValidateOidc(options.Oidc, failures);
        ValidateSession(options.Session, failures);
        ValidateTokens(options.Tokens, failures);
        ValidateLogin(options.Login, failures);
        if (options.Session.MaxPerUser < 0)
        {
            failures.Add("Bff:Session:MaxPerUser must not be negative (0: no limit).");
        }

        if (options.RealTime.MaxConnectionsPerSession < 0)
        {
            failures.Add($"Bff:RealTime:MaxConnectionsPerSession must not be negative: it is {options.RealTime.MaxConnectionsPerSession}. Set the WebSockets one session may hold open at once (default 16), or 0 for no limit.");
        }

        if (string.IsNullOrWhiteSpace(options.DataPath))
        {
            failures.Add("Bff:DataPath is empty. Set it to a writable folder for keys and sessions, or remove it to use ./data beside the app.");
        }

        if (!IsLocalBasePath(options.ManagementBasePath))
        {
            failures.Add($"Bff:ManagementBasePath '{options.ManagementBasePath}' must start with '/' and not end with '/', e.g. /bff.");
        }

        foreach (var origin in options.AllowedOrigins)
        {
            if (!IsOrigin(origin))
            {
                failures.Add($"Bff:AllowedOrigins entry '{origin}' is not an origin: write scheme://host[:port] with no path or trailing slash, e.g. https://app.example.com.");
            }
        }

        if (options.PublicOrigin is { } publicOrigin && !IsOrigin(publicOrigin))
        {
            failures.Add($"Bff:PublicOrigin '{publicOrigin}' is not an origin: write scheme://host[:port] with no path or trailing slash, e.g. https://app.example.com.");
        }

        if (string.IsNullOrWhiteSpace(options.AntiForgeryHeaderName) || string.IsNullOrEmpty(options.AntiForgeryHeaderValue))
        {
            failures.Add("Bff:AntiForgeryHeaderName and Bff:AntiForgeryHeaderValue must not be empty (defaults: X-CSRF and 1).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void ValidateOidc(BffOidcOptions oidc, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(oidc.Authority))
        {
            failures.Add("Bff:Oidc:Authority is required: set it to your OpenID Provider's issuer URL, e.g. --Bff:Oidc:Authority=https://login.example.com.");
        }
        else if (!Uri.TryCreate(oidc.Authority, UriKind.Absolute, out var authority)
                 || (authority.Scheme != Uri.UriSchemeHttps && authority.Scheme != Uri.UriSchemeHttp))
        {
            failures.Add($"Bff:Oidc:Authority '{oidc.Authority}' is not an absolute http(s) URL.");
        }
        else if (authority.Scheme == Uri.UriSchemeHttp && oidc.RequireHttpsMetadata)
        {
            failures.Add($"Bff:Oidc:Authority '{oidc.Authority}' uses http while Bff:Oidc:RequireHttpsMetadata is true. Use an https authority, or set Bff:Oidc:RequireHttpsMetadata=false for local development only.");
        }

        if (string.IsNullOrWhiteSpace(oidc.ClientId))
        {
            failures.Add("Bff:Oidc:ClientId is required: set it to the client id registered for this BFF at the OpenID Provider.");
        }

        switch (oidc.ClientAuthentication)
        {
            case ClientAuthenticationMethods.ClientSecretPost:
            case ClientAuthenticationMethods.ClientSecretBasic:
                if (string.IsNullOrEmpty(oidc.ClientSecret))
                {
                    failures.Add($"Bff:Oidc:ClientSecret is required with Bff:Oidc:ClientAuthentication={oidc.ClientAuthentication}: the BFF is a confidential client.");
                }

                break;
            case ClientAuthenticationMethods.PrivateKeyJwt:
                ValidateClientAssertionKey(oidc, failures);
                break;
            default:
                failures.Add($"Bff:Oidc:ClientAuthentication '{oidc.ClientAuthentication}' is unknown. Use client_secret_post (default), client_secret_basic or private_key_jwt.");
                break;
        }

        var scopes = (oidc.Scope ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (!scopes.Contains("openid", StringComparer.Ordinal))
        {
            failures.Add($"Bff:Oidc:Scope '{oidc.Scope}' must contain 'openid'.");
        }

        if (!IsLocalBasePath(oidc.CallbackPath))
        {
            failures.Add($"Bff:Oidc:CallbackPath '{oidc.CallbackPath}' must be a local path such as /signin-oidc.");
        }

        if (!IsLocalBasePath(oidc.SignedOutCallbackPath))
        {
            failures.Add($"Bff:Oidc:SignedOutCallbackPath '{oidc.SignedOutCallbackPath}' must be a local path such as /signout-callback-oidc.");
        }

        if (oidc.BackchannelTimeout <= TimeSpan.Zero)
        {
            failures.Add("Bff:Oidc:BackchannelTimeout must be positive, e.g. 00:00:10.");
        }

        ValidateAuthorizationParameters(oidc, failures);
        for (var i = 0; i < oidc.Resources.Count; i++)
        {
            if (!ResourceIndicator.IsValid(oidc.Resources[i]))
            {
                failures.Add($"Bff:Oidc:Resources:{i} '{oidc.Resources[i]}' must be an absolute URI without a fragment (RFC 8707), e.g. https://api.example.com.");
            }
        }

        if (oidc.EndSessionEndpoint is { Length: > 0 } endSession
            && (!Uri.TryCreate(endSession, UriKind.Absolute, out var endSessionUri) || endSessionUri.Scheme is not ("https" or "http")
                || (endSessionUri.Scheme == Uri.UriSchemeHttp && oidc.RequireHttpsMetadata)))
        {
            failures.Add($"Bff:Oidc:EndSessionEndpoint '{endSession}' must be an absolute https URL (http only with Bff:Oidc:RequireHttpsMetadata=false).");
        }
    }

    private static void ValidateAuthorizationParameters(BffOidcOptions oidc, List<string> failures)
    {
        foreach (var (name, value) in oidc.AuthorizationParameters)
        {
            var key = $"Bff:Oidc:AuthorizationParameters:{name}";
            if (AuthorizationParameters.ReservedReason(name) is { } reason)
            {
                failures.Add($"{key} is reserved: {reason}");
            }
            else if (!AuthorizationParameters.IsValidName(name))
            {
                failures.Add($"{key}: '{name}' is not a parameter name; use letters, digits, '_', '-' and '.' only.");
            }
            else if (string.IsNullOrEmpty(value))
            {
                failures.Add($"{key} has no value; give it one or remove it.");
            }
            else if (value.Any(char.IsControl))
            {
                failures.Add($"{key} contains a control character.");
            }
        }
    }

    private static void ValidateClientAssertionKey(BffOidcOptions oidc, List<string> failures)
    {
        if (string.IsNullOrWhiteSpace(oidc.ClientAssertionKeyPath))
        {
            failures.Add("Bff:Oidc:ClientAssertionKeyPath is required with Bff:Oidc:ClientAuthentication=private_key_jwt: set it to a PEM file with the client's RSA or EC P-256 private key.");
            return;
        }

        if (!File.Exists(oidc.ClientAssertionKeyPath))
        {
            failures.Add($"Bff:Oidc:ClientAssertionKeyPath '{oidc.ClientAssertionKeyPath}' does not exist.");
            return;
        }

        try
        {
            TokenEndpoint.ClientAssertionSigner.LoadCredentials(oidc);
        }
        catch (Exception ex) when (ex is ArgumentException or System.Security.Cryptography.CryptographicException or IOException or UnauthorizedAccessException)
        {
            failures.Add($"Bff:Oidc:ClientAssertionKeyPath '{oidc.ClientAssertionKeyPath}' is not a readable PEM RSA or EC private key ({ex.GetType().Name}).");
        }
    }

    private static void ValidateSession(BffSessionOptions session, List<string> failures)
    {
        switch (session.Store)
        {
            case SessionStoreKinds.Sqlite:
            case SessionStoreKinds.Memory:
                break;
            case SessionStoreKinds.Redis:
                if (string.IsNullOrWhiteSpace(session.Redis))
                {
                    failures.Add("Bff:Session:Redis is required with Bff:Session:Store=Redis: set it to a StackExchange.Redis connection string, e.g. redis.internal:6379,password=...,ssl=true.");
                }

                if (string.IsNullOrEmpty(session.RedisKeyPrefix))
                {
                    failures.Add("Bff:Session:RedisKeyPrefix must not be empty (default bff:); give each deployment sharing a Redis its own prefix.");
                }

                break;
            default:
                failures.Add($"Bff:Session:Store '{session.Store}' is unknown. Use Sqlite (default), Memory or Redis.");
                break;
        }

        if (session.IdleTimeout <= TimeSpan.Zero)
        {
            failures.Add("Bff:Session:IdleTimeout must be positive, e.g. 08:00:00.");
        }

        if (session.AbsoluteTimeout <= TimeSpan.Zero)
        {
            failures.Add("Bff:Session:AbsoluteTimeout must be positive, e.g. 1.00:00:00.");
        }
        else if (session.AbsoluteTimeout < session.IdleTimeout)
        {
            failures.Add($"Bff:Session:AbsoluteTimeout ({session.AbsoluteTimeout}) is shorter than Bff:Session:IdleTimeout ({session.IdleTimeout}); make it at least as long.");
        }

        if (session.RedisLocalCacheLifetime < TimeSpan.Zero || session.RedisLocalCacheLifetime > TimeSpan.FromHours(1))
        {
            failures.Add($"Bff:Session:RedisLocalCacheLifetime ({session.RedisLocalCacheLifetime}) must be between 00:00:00 (read Redis on every request) and 01:00:00; default 00:00:10.");
        }

        if (session.RedisOutageLifetime < TimeSpan.Zero || session.RedisOutageLifetime > TimeSpan.FromHours(1))
        {
            failures.Add($"Bff:Session:RedisOutageLifetime ({session.RedisOutageLifetime}) must be between 00:00:00 (every session answers 503 while Redis is down) and 01:00:00; default 00:05:00.");
        }

        if (session.CachedSessions is < 100 or > 10_000_000)
        {
            failures.Add($"Bff:Session:CachedSessions ({session.CachedSessions}) must be between 100 and 10000000; default 10000. Set it to about the number of sessions in use at once on one instance (each costs 5–7 KB of memory).");
        }

        if (session.CleanupInterval < TimeSpan.Zero)
        {
            failures.Add("Bff:Session:CleanupInterval must not be negative (00:00:00 turns the cleanup off).");
        }

        if (session.CleanupConcurrency is < 1 or > 64)
        {
            failures.Add($"Bff:Session:CleanupConcurrency ({session.CleanupConcurrency}) must be between 1 and 64; default 4. It is how many expired sessions' refresh tokens the cleanup revokes at the provider at once.");
        }

        if (string.IsNullOrWhiteSpace(session.CookieName))
        {
            failures.Add("Bff:Session:CookieName must not be empty (default __Host-bff).");
        }

        if (session.CookieSameSite is not (Microsoft.AspNetCore.Http.SameSiteMode.Strict or Microsoft.AspNetCore.Http.SameSiteMode.Lax))
        {
            failures.Add($"Bff:Session:CookieSameSite '{session.CookieSameSite}' is not allowed: use Strict (default) or Lax.");
        }
    }

    private static void ValidateLogin(BffLoginOptions login, List<string> failures)
    {
        if (login.RateLimit < 0)
        {
            failures.Add("Bff:Login:RateLimit must not be negative (0 turns the limit off).");
        }

        if (login.RateLimit > 0 && login.RateLimitWindow <= TimeSpan.Zero)
        {
            failures.Add("Bff:Login:RateLimitWindow must be positive, e.g. 00:01:00.");
        }

        if (login.MaxPendingLogins < 1)
        {
            failures.Add("Bff:Login:MaxPendingLogins must be at least 1 (default 3).");
        }
    }

    private static void ValidateTokens(BffTokenOptions tokens, List<string> failures)
    {
        if (tokens.RefreshBeforeExpiry < TimeSpan.Zero)
        {
            failures.Add("Bff:Tokens:RefreshBeforeExpiry must not be negative, e.g. 00:01:00.");
        }

        if (tokens.RefreshTimeout <= TimeSpan.Zero)
        {
            failures.Add("Bff:Tokens:RefreshTimeout must be positive, e.g. 00:00:05.");
        }
    }

    private static bool IsOrigin(string origin) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
        && uri.GetLeftPart(UriPartial.Authority) == origin && !origin.EndsWith('/');

    private static bool IsLocalBasePath(string? path) =>
        !string.IsNullOrEmpty(path) && path[0] == '/' && (path.Length == 1 || (path[^1] != '/' && path[1] != '/' && path[1] != '\\'));
}
