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

    /// <summary>Stored with the application (property <c>backchannel_logout_uri</c>); not used yet.</summary>
    public string? BackChannelLogoutUri { get; set; }
}
