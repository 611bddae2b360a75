namespace Bff.DevIdp;

/// <summary>
/// Settings of the development OpenID Provider, bound from the <c>Idp</c> configuration section.
/// Defaults for clients and users are applied by <see cref="IdpOptionsDefaults"/> when none are configured.
/// </summary>
internal sealed class IdpOptions
{
    public const string SectionName = "Idp";

    /// <summary>
    /// Folder holding the SQLite database, the signing/encryption keys and the data protection keys.
    /// Relative paths are resolved against the current directory; empty means <c>AppContext.BaseDirectory/data</c>.
    /// </summary>
    public string? DataPath { get; set; }

    /// <summary>Fixed issuer URI; when empty OpenIddict uses the base URL of each request.</summary>
    public string? Issuer { get; set; }

    public IList<IdpClientOptions> Clients { get; } = new List<IdpClientOptions>();

    public IList<IdpUserOptions> Users { get; } = new List<IdpUserOptions>();

    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>
    /// How long an already redeemed refresh token may be used again (zero: rejected at once, and
    /// its whole family revoked). Default 30 s, as OpenIddict's own default and the reuse intervals
    /// of Okta, Auth0 and Keycloak: a client that crashed between the provider's answer and saving
    /// the rotated token does not lose the user's session.
    /// </summary>
    public TimeSpan RefreshTokenReuseLeeway { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Issue refresh tokens as opaque references (43 characters, the token kept in the IdP's
    /// database), as Duende IdentityServer's refresh token handles are; <c>false</c> issues
    /// self-contained encrypted JWTs (about 2.8 KB each). Default <c>true</c>.
    /// </summary>
    public bool ReferenceRefreshTokens { get; set; } = true;

    /// <summary>
    /// Audiences a confidential client may ask for with the token exchange grant (RFC 8693,
    /// <c>audience=</c>), e.g. <c>orders-api</c>. Empty (the default): the grant is not offered. When
    /// set, the grant is advertised, and the configured confidential clients may use it for these
    /// audiences (<see cref="TokenExchangeHandler"/> issues the exchanged access token).
    /// </summary>
    public IList<string> TokenExchangeAudiences { get; } = new List<string>();

    /// <summary>
    /// Write the IdP login session's <c>sid</c> into identity tokens (<c>Idp:SessionIdInIdentityToken</c>).
    /// <c>false</c> behaves like providers that issue none (the access token keeps it, for back-channel
    /// logout), so a client's handling of ID tokens without <c>sid</c> can be tried. Default <c>true</c>.
    /// </summary>
    public bool SessionIdInIdentityToken { get; set; } = true;

    public string ResolveDataPath() =>
        string.IsNullOrWhiteSpace(DataPath)
            ? Path.Combine(AppContext.BaseDirectory, "data")
            : Path.GetFullPath(DataPath);
}
