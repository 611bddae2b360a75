namespace OpenBff.Core;

/// <summary>
/// The rules for <c>Bff:Oidc:AuthorizationParameters</c>: which names the BFF sets itself (and a
/// configured value would silently replace or contradict), and what a parameter name may be.
/// </summary>
internal static class AuthorizationParameters
{
    private static readonly Dictionary<string, string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        ["client_id"] = "the BFF sends Bff:Oidc:ClientId.",
        ["client_secret"] = "client credentials never travel through the browser.",
        ["client_assertion"] = "client credentials never travel through the browser.",
        ["client_assertion_type"] = "client credentials never travel through the browser.",
        ["redirect_uri"] = "the BFF sends its own callback (Bff:Oidc:CallbackPath).",
        ["response_type"] = "the BFF always uses the authorization code flow.",
        ["response_mode"] = "the BFF always uses response_mode=query.",
        ["state"] = "the BFF creates a new state for every login (CSRF defence).",
        ["nonce"] = "the BFF creates a new nonce for every login (replay defence).",
        ["code_challenge"] = "the BFF creates a PKCE challenge for every login.",
        ["code_challenge_method"] = "the BFF always uses PKCE S256.",
        ["scope"] = "set Bff:Oidc:Scope instead.",
        ["resource"] = "list the APIs in Bff:Oidc:Resources instead.",
        ["prompt"] = "the SPA chooses it per login (/bff/login?prompt=...).",
        ["request"] = "request objects are not supported.",
        ["request_uri"] = "the BFF sets it itself when it uses PAR (Bff:Oidc:PushedAuthorization).",
        ["id_token_hint"] = "it identifies one user; it cannot be configured.",
        ["login_hint"] = "it identifies one user; it cannot be configured.",
    };

    /// <summary>Why <paramref name="name"/> cannot be configured, or null when it can.</summary>
    public static string? ReservedReason(string name) => Reserved.GetValueOrDefault(name);

    /// <summary>RFC 6749 leaves names open; these characters keep them unambiguous in a query string.</summary>
    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.');
}
