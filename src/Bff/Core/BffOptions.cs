namespace OpenBff;

/// <summary>
/// Options of the BFF, bound from the <c>Bff</c> configuration section by the host.
/// </summary>
public sealed class BffOptions
{
    /// <summary>The configuration section the host binds these options from.</summary>
    public const string SectionName = "Bff";

    /// <summary>The OpenID Connect client settings (<c>Bff:Oidc</c>).</summary>
    public BffOidcOptions Oidc { get; set; } = new();

    /// <summary>The server-side session settings (<c>Bff:Session</c>).</summary>
    public BffSessionOptions Session { get; set; } = new();

    /// <summary>The token management settings (<c>Bff:Tokens</c>).</summary>
    public BffTokenOptions Tokens { get; set; } = new();

    /// <summary>Limits on starting logins (<c>Bff:Login</c>).</summary>
    public BffLoginOptions Login { get; set; } = new();

    /// <summary>What the proxy forwards of the browser's request (<c>Bff:Proxy</c>).</summary>
    public BffProxyOptions Proxy { get; set; } = new();

    /// <summary>Limits on a session's WebSockets and other upgraded connections (<c>Bff:RealTime</c>).</summary>
    public BffRealTimeOptions RealTime { get; set; } = new();

    /// <summary>
    /// Folder for data-protection keys and the embedded SQLite session store (<c>Bff:DataPath</c>).
    /// Relative paths are resolved against the application's base directory. Default <c>data</c>.
    /// </summary>
    public string DataPath { get; set; } = "data";

    /// <summary>
    /// Folder of the data-protection key ring (<c>Bff:DataProtectionKeysPath</c>), for every store,
    /// e.g. a volume every instance mounts. Not set: <c>DataPath/keys</c>, or Redis with the Redis
    /// store (then Redis must persist: a restart without persistence loses the keys).
    /// </summary>
    public string? DataProtectionKeysPath { get; set; }

    /// <summary>Base path of the management endpoints. Default <c>/bff</c>.</summary>
    public string ManagementBasePath { get; set; } = "/bff";

    /// <summary>The anti-forgery header name every BFF API call must carry. Default <c>X-CSRF</c>.</summary>
    public string AntiForgeryHeaderName { get; set; } = "X-CSRF";

    /// <summary>The value the anti-forgery header must have. Default <c>1</c>.</summary>
    public string AntiForgeryHeaderValue { get; set; } = "1";

    /// <summary>
    /// Origins other than the BFF's own that may send state-changing requests (<c>Bff:AllowedOrigins</c>),
    /// e.g. <c>https://app.example.com</c> when the SPA is served from another origin of the same site.
    /// Empty by default: only the BFF's own origin.
    /// </summary>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>
    /// The BFF's public origin (<c>Bff:PublicOrigin</c>, e.g. <c>https://app.example.com</c>). When
    /// set, every absolute URL the BFF builds (the OIDC <c>redirect_uri</c> and
    /// <c>post_logout_redirect_uri</c>) and the same-origin check use it, and a request with another
    /// <c>Host</c> gets 400 (<c>/health/*</c> excepted, for probes that address the instance).
    /// Not set: the request's own scheme and <c>Host</c> are used, and Production warns at start.
    /// </summary>
    public string? PublicOrigin { get; set; }

    /// <summary>
    /// What <c>/bff/user</c> answers without a session: <see cref="AnonymousSessionResponse.Response401"/>
    /// (the default) or <see cref="AnonymousSessionResponse.Response200"/> with the JSON <c>null</c>,
    /// for SPAs written against Duende.BFF's option of the same name.
    /// </summary>
    public AnonymousSessionResponse AnonymousSessionResponse { get; set; } = AnonymousSessionResponse.Response401;

    /// <summary>
    /// Whether <c>/bff/logout</c> requires the session's <c>sid</c> (the <c>bff:logout_url</c> claim).
    /// Default true: without it, any site can log the user out with a link. Turn off only for an SPA
    /// that cannot read the claim, knowing that.
    /// </summary>
    public bool RequireLogoutSessionId { get; set; } = true;

    /// <summary>Whether logging out revokes the session's refresh token at the provider (RFC 7009). Default true.</summary>
    public bool RevokeRefreshTokenOnLogout { get; set; } = true;

    /// <summary>Resolves <see cref="DataPath"/> to an absolute folder.</summary>
    internal string ResolveDataPath() =>
        Path.GetFullPath(Path.IsPathRooted(DataPath) ? DataPath : Path.Combine(AppContext.BaseDirectory, DataPath));
}
