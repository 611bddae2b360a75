using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace OpenBff.Sessions;

/// <summary>
/// The session id the logout URL carries: the provider's <c>sid</c> claim when it issued one,
/// else a random id the BFF gave the session at login.
/// </summary>
internal static class SessionIds
{
    public static string For(ClaimsPrincipal principal, AuthenticationProperties properties) =>
        principal.FindFirst("sid")?.Value
        ?? (properties.Items.TryGetValue(SessionProperties.LocalSessionId, out var local) ? local : null)
        ?? string.Empty;
}
