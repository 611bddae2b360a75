using Bff.Tests.Infrastructure;

namespace Bff.Tests.Interop;

/// <summary>
/// The BFF configuration each profile runs with: the recipe's block of docs/identity-providers.md
/// (<see cref="RecipeConfiguration"/>), loaded from the document itself, plus what only the test
/// knows: the provider's address, the test's local data folder and the API cluster's address
/// (<see cref="TestBff"/> adds the client it registers).
/// </summary>
public static class InteropProfiles
{
    /// <summary>Every block of the document a profile test runs: <see cref="RecipeDocumentTests"/> checks the document has exactly these.</summary>
    public static readonly IReadOnlyList<string> Recipes = ["entra", "auth0", "keycloak", "duende", "google", "cognito"];

    /// <summary>Microsoft Entra ID: the second API by its scope (<c>Bff.Scope</c>), no userinfo call.</summary>
    public static Dictionary<string, string?> Entra(InteropProvider provider, string dataPath) => Recipe("entra", provider, dataPath);

    /// <summary>Auth0: the <c>audience</c> authorization parameter selects the API of the (JWT) access token.</summary>
    public static Dictionary<string, string?> Auth0(InteropProvider provider, string dataPath) => Recipe("auth0", provider, dataPath);

    /// <summary>Keycloak and Okta: both APIs' scopes at login, the second API's token narrowed by <c>Bff.Scope</c>; <c>ui_locales</c>.</summary>
    public static Dictionary<string, string?> Keycloak(InteropProvider provider, string dataPath) => Recipe("keycloak", provider, dataPath);

    /// <summary>Duende IdentityServer: RFC 8707 resources (<c>Bff:Oidc:Resources</c>, <c>Bff.Resource</c>), PAR and <c>iss</c> required.</summary>
    public static Dictionary<string, string?> Duende(InteropProvider provider, string dataPath) => Recipe("duende", provider, dataPath);

    /// <summary>Google: no offline_access scope, <c>access_type=offline</c> for a refresh token; no end-session endpoint.</summary>
    public static Dictionary<string, string?> Google(InteropProvider provider, string dataPath) => Recipe("google", provider, dataPath);

    /// <summary>Amazon Cognito: Google's stand-in, with Cognito's own logout URL (its query string) as the end-session endpoint.</summary>
    public static Dictionary<string, string?> Cognito(InteropProvider provider, string dataPath, string clientId) => Recipe("cognito", provider, dataPath, clientId);

    /// <summary>The same configuration on the Redis store: what every instance of a scaled-out deployment runs.</summary>
    public static Dictionary<string, string?> OnRedis(this Dictionary<string, string?> settings, RedisServer redis)
    {
        settings["Bff:Session:Store"] = "Redis";
        settings["Bff:Session:Redis"] = redis.ConnectionString;
        return settings;
    }

    private static Dictionary<string, string?> Recipe(string name, InteropProvider provider, string dataPath, string? clientId = null)
    {
        var settings = RecipeConfiguration.Load(name, provider.Issuer, clientId);
        settings["Bff:Oidc:Authority"] = provider.Issuer;
        settings["Bff:Oidc:RequireHttpsMetadata"] = "false"; // loopback http in tests only
        settings["Bff:DataPath"] = dataPath;
        settings["Bff:Session:Store"] = "Memory";
        settings["Bff:Spa:Path"] = Path.Combine(dataPath, "spa");
        settings["ReverseProxy:Clusters:apis:Destinations:d1:Address"] = provider.ApiUrl;
        return settings;
    }
}
