using Bff.Tests.Infrastructure;

namespace Bff.Tests.Interop;

/// <summary>
/// The BFF configuration each profile runs with: an operator's configuration for that provider,
/// exactly as docs/identity-providers.md gives it (Authority, ClientId, ClientSecret, Scope and the
/// profile's documented keys), plus the test's local data folder and the API routes.
/// </summary>
public static class InteropProfiles
{
    /// <summary>What every profile has: the provider, the Memory store, and api1 on the session's main user token.</summary>
    private static Dictionary<string, string?> Common(InteropProvider provider, string dataPath) => new()
    {
        ["Bff:Oidc:Authority"] = provider.Issuer,
        ["Bff:Oidc:RequireHttpsMetadata"] = "false", // loopback http in tests only
        ["Bff:DataPath"] = dataPath,
        ["Bff:Session:Store"] = "Memory",
        ["Bff:Spa:Path"] = Path.Combine(dataPath, "spa"),
        ["ReverseProxy:Clusters:apis:Destinations:d1:Address"] = provider.ApiUrl,
        ["ReverseProxy:Routes:api1:ClusterId"] = "apis",
        ["ReverseProxy:Routes:api1:Match:Path"] = "/api1/{**rest}",
        ["ReverseProxy:Routes:api1:Metadata:Bff.TokenType"] = "User",
    };

    private static void SecondApi(Dictionary<string, string?> settings, string key, string value)
    {
        settings["ReverseProxy:Routes:api2:ClusterId"] = "apis";
        settings["ReverseProxy:Routes:api2:Match:Path"] = "/api2/{**rest}";
        settings["ReverseProxy:Routes:api2:Metadata:Bff.TokenType"] = "User";
        settings[$"ReverseProxy:Routes:api2:Metadata:{key}"] = value;
    }

    /// <summary>
    /// Entra ID: API scopes in <c>Bff:Oidc:Scope</c> (one resource per token, the first API's for the
    /// session); the second API's token by its scope (<c>Bff.Scope</c>) on the route.
    /// </summary>
    public static Dictionary<string, string?> Entra(InteropProvider provider, string dataPath)
    {
        var settings = Common(provider, dataPath);
        settings["Bff:Oidc:Scope"] = "openid profile email offline_access api1.read api2.read";
        SecondApi(settings, "Bff.Scope", "api2.read");
        return settings;
    }

    /// <summary>Auth0: the <c>audience</c> authorization parameter selects the API of the (JWT) access token.</summary>
    public static Dictionary<string, string?> Auth0(InteropProvider provider, string dataPath)
    {
        var settings = Common(provider, dataPath);
        settings["Bff:Oidc:Scope"] = "openid profile email offline_access api1.read";
        settings["Bff:Oidc:AuthorizationParameters:audience"] = provider.Api1;
        return settings;
    }

    /// <summary>Keycloak / Okta: RFC 8707 resources; the session's token for the first, the second API's by <c>Bff.Resource</c>.</summary>
    public static Dictionary<string, string?> Keycloak(InteropProvider provider, string dataPath)
    {
        var settings = Common(provider, dataPath);
        settings["Bff:Oidc:Scope"] = "openid profile email offline_access api1.read api2.read";
        settings["Bff:Oidc:Resources:0"] = provider.Api1;
        settings["Bff:Oidc:Resources:1"] = provider.Api2;
        SecondApi(settings, "Bff.Resource", provider.Api2);
        return settings;
    }

    /// <summary>Google / Cognito: no offline_access scope, <c>access_type=offline</c> for a refresh token; no end-session endpoint.</summary>
    public static Dictionary<string, string?> Google(InteropProvider provider, string dataPath)
    {
        var settings = Common(provider, dataPath);
        settings["Bff:Oidc:Scope"] = "openid profile email";
        settings["Bff:Oidc:AuthorizationParameters:access_type"] = "offline";
        return settings;
    }

    /// <summary>The same configuration on the Redis store: what every instance of a scaled-out deployment runs.</summary>
    public static Dictionary<string, string?> OnRedis(this Dictionary<string, string?> settings, RedisServer redis)
    {
        settings["Bff:Session:Store"] = "Redis";
        settings["Bff:Session:Redis"] = redis.ConnectionString;
        return settings;
    }
}
