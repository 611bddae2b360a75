namespace OpenBff;

/// <summary>The BFF's OpenID Connect confidential client (<c>Bff:Oidc</c>).</summary>
public sealed class BffOidcOptions
{
    /// <summary>The OpenID Provider's issuer URL (<c>Bff:Oidc:Authority</c>). Required.</summary>
    public string? Authority { get; set; }

    /// <summary>The client id registered at the provider (<c>Bff:Oidc:ClientId</c>). Required.</summary>
    public string? ClientId { get; set; }

    /// <summary>The client secret (<c>Bff:Oidc:ClientSecret</c>). Required for the <c>client_secret_*</c> methods.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Space separated scopes to request. Default <c>openid profile offline_access</c>.</summary>
    public string Scope { get; set; } = "openid profile offline_access";

    /// <summary>Whether the discovery document must be fetched over https. Default <c>true</c>.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>
    /// How the BFF authenticates at the token, revocation and PAR endpoints: <c>client_secret_post</c>
    /// (default), <c>client_secret_basic</c> or <c>private_key_jwt</c>.
    /// </summary>
    public string ClientAuthentication { get; set; } = ClientAuthenticationMethods.ClientSecretPost;

    /// <summary>
    /// PEM file with the private key (RSA or EC P-256) for <c>private_key_jwt</c> client
    /// authentication (<c>Bff:Oidc:ClientAssertionKeyPath</c>); register its public key at the provider.
    /// </summary>
    public string? ClientAssertionKeyPath { get; set; }

    /// <summary>The <c>kid</c> of that key as registered at the provider (optional).</summary>
    public string? ClientAssertionKeyId { get; set; }

    /// <summary>Path of the authorization-code callback. Default <c>/signin-oidc</c>.</summary>
    public string CallbackPath { get; set; } = "/signin-oidc";

    /// <summary>Path the provider returns to after RP-initiated logout. Default <c>/signout-callback-oidc</c>.</summary>
    public string SignedOutCallbackPath { get; set; } = "/signout-callback-oidc";

    /// <summary>Timeout of each back-channel call to the provider (discovery, token, revocation). Default 10 seconds.</summary>
    public TimeSpan BackchannelTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Pushed Authorization Requests (RFC 9126): <c>Auto</c> (default: when the provider advertises a
    /// PAR endpoint), <c>Always</c>, <c>Never</c>.
    /// </summary>
    public ProviderFeatureMode PushedAuthorization { get; set; } = ProviderFeatureMode.Auto;

    /// <summary>
    /// The <c>iss</c> authorization-response parameter (RFC 9207, mix-up defence): <c>Auto</c> (default:
    /// required and checked when the provider advertises it, checked whenever present), <c>Always</c>
    /// (required), <c>Never</c> (ignored).
    /// </summary>
    public ProviderFeatureMode IssuerParameter { get; set; } = ProviderFeatureMode.Auto;

    /// <summary>
    /// Whether claims are also read from the userinfo endpoint after login, when the provider has
    /// one. Default <c>true</c>. A provider that refuses the access token there (401/403: its
    /// audience is an API) does not fail the login: the ID token's claims are kept and a warning says why.
    /// </summary>
    public bool GetClaimsFromUserInfoEndpoint { get; set; } = true;

    /// <summary>
    /// Extra parameters of the authorization request, also sent in a pushed request (PAR)
    /// (<c>Bff:Oidc:AuthorizationParameters:{name}</c>): Auth0's <c>audience</c>, Google's
    /// <c>access_type=offline</c>, <c>acr_values</c>, <c>ui_locales</c>, <c>domain_hint</c>...
    /// Parameters the BFF sets itself (<c>client_id</c>, <c>redirect_uri</c>, <c>state</c>,
    /// <c>nonce</c>, <c>code_challenge</c>, <c>scope</c>, <c>resource</c>...) are refused at start-up.
    /// </summary>
    public Dictionary<string, string> AuthorizationParameters { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// RFC 8707 resource indicators of the APIs the session may get user tokens for
    /// (<c>Bff:Oidc:Resources:0</c>, <c>:1</c>, ...): each is sent as <c>resource</c> on the
    /// authorization request; the session's main access token is for the first, and a route's
    /// <c>Bff.Resource</c> gets a token for its resource with the session's refresh token.
    /// </summary>
    public List<string> Resources { get; set; } = [];

    /// <summary>
    /// OIDC Front-Channel Logout at <c>/signout-oidc</c> (<c>Bff:Oidc:FrontChannelLogout</c>). Default
    /// <c>false</c>: the path is not served, since a provider's cross-site iframe never carries the
    /// <c>SameSite</c> session cookie; use back-channel logout. When <c>true</c>, a request must name
    /// the provider as <c>iss</c> and the session's <c>sid</c>, or it ends nothing (400).
    /// </summary>
    public bool FrontChannelLogout { get; set; }

    /// <summary>
    /// The provider's end-session endpoint when its discovery document does not advertise one
    /// (<c>Bff:Oidc:EndSessionEndpoint</c>). Without either, logout ends the session here and
    /// redirects to the local <c>returnUrl</c>.
    /// </summary>
    public string? EndSessionEndpoint { get; set; }
}
