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
    public static AuthenticationTicket Copy(AuthenticationTicket ticket, params ReadOnlySpan<string> leaveOut)
    {
        var items = new Dictionary<string, string?>(ticket.Properties.Items, StringComparer.Ordinal);
        foreach (var key in leaveOut)
        {
            items.Remove(key);
        }

        return new(ticket.Principal, new SharedProperties(items), ticket.AuthenticationScheme);
    }
}
