namespace Bff.DevIdp;

/// <summary>
/// Where to send a client's logout token. Dev-IdP-only rule, like the loopback redirect URIs (RFC 8252 §7.3):
/// when the registered back-channel logout URI is a loopback http URI and the client used a loopback
/// <c>redirect_uri</c> in that session, the token goes to the host and port of that <c>redirect_uri</c>, with
/// the registered path and query (a BFF started on a random port needs no registration change). Otherwise the
/// registered URI is used as is.
/// </summary>
internal static class BackChannelLogoutTarget
{
    public static Uri Resolve(Uri registered, string? redirectUri)
    {
        ArgumentNullException.ThrowIfNull(registered);
        if (string.IsNullOrEmpty(redirectUri)
            || !LoopbackRedirectUri.IsLoopback(registered.AbsoluteUri)
            || !LoopbackRedirectUri.IsLoopback(redirectUri))
        {
            return registered;
        }

        var redirect = new Uri(redirectUri, UriKind.Absolute);
        return new Uri(redirect.GetLeftPart(UriPartial.Authority) + registered.PathAndQuery, UriKind.Absolute);
    }
}
