using Microsoft.AspNetCore.Authentication;

namespace OpenBff.SessionCache;

/// <summary>A ticket the library's caches hand to every request that needs it: its properties throw on any change.</summary>
internal static class ReadOnlyTicket
{
    /// <summary>
    /// A copy of <paramref name="ticket"/> sharing its principal, with read-only copies of its
    /// properties' items, except those named in <paramref name="leaveOut"/> (<see cref="SharedProperties"/>:
    /// what the hot path derives from its tokens is derived once).
    /// </summary>
    public static AuthenticationTicket Copy(AuthenticationTicket ticket, params ReadOnlySpan<string> leaveOut) =>
        new(ticket.Principal, new SharedProperties(new SharedItems(ticket.Properties.Items, leaveOut)), ticket.AuthenticationScheme);
}
