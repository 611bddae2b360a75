namespace OpenBff;

/// <summary>Names the BFF registers.</summary>
public static class BffDefaults
{
    /// <summary>The cookie authentication scheme holding the session.</summary>
    public const string CookieScheme = "bff-cookie";

    /// <summary>The OpenID Connect authentication scheme.</summary>
    public const string OidcScheme = "oidc";
}
