namespace Bff.DevIdp;

/// <summary>A client application registered at the development IdP (<c>Idp:Clients:N</c>).</summary>
internal sealed class IdpClientOptions
{
    public string ClientId { get; set; } = "";

    /// <summary>Secret of a confidential client; empty registers a public client.</summary>
    public string? ClientSecret { get; set; }

    public string? DisplayName { get; set; }

    public IList<string> RedirectUris { get; } = new List<string>();

    public IList<string> PostLogoutRedirectUris { get; } = new List<string>();

    /// <summary>
    /// Where the IdP POSTs logout tokens (OIDC Back-Channel Logout 1.0). Stored with the application as the
    /// property <c>backchannel_logout_uri</c> (a JSON string). A loopback http URI is sent to the host and port of
    /// the client's <c>redirect_uri</c> in the ended session (see <see cref="BackChannelLogoutTarget"/>).
    /// </summary>
    public string? BackChannelLogoutUri { get; set; }
}
