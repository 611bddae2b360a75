namespace Bff.DevIdp;

/// <summary>
/// A client that was issued an authorization code in an IdP login session (table <c>DevIdpClientSessions</c>):
/// the clients to notify by back-channel logout when that session ends.
/// </summary>
internal sealed class ClientSessionRecord
{
    public long Id { get; set; }

    /// <summary>The IdP login session (<c>sid</c> claim).</summary>
    public string SessionId { get; set; } = "";

    public string ClientId { get; set; } = "";

    public string Subject { get; set; } = "";

    /// <summary>The <c>redirect_uri</c> of the authorization request (empty when none was sent).</summary>
    public string RedirectUri { get; set; } = "";

    /// <summary>When the first code of this client in this session was issued (Unix seconds).</summary>
    public long CreatedAt { get; set; }
}
