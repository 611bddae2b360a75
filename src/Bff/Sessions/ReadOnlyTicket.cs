using System.Collections.ObjectModel;
using Microsoft.AspNetCore.Authentication;

namespace Bff.Sessions;

/// <summary>A ticket the library's caches hand to every request that needs it: its properties throw on any change.</summary>
internal static class ReadOnlyTicket
{
    /// <summary>A copy of <paramref name="ticket"/> sharing its principal, with read-only copies of its properties' items.</summary>
    public static AuthenticationTicket Copy(AuthenticationTicket ticket) =>
        new(
            ticket.Principal,
            new AuthenticationProperties(new ReadOnlyDictionary<string, string?>(new Dictionary<string, string?>(ticket.Properties.Items, StringComparer.Ordinal))),
            ticket.AuthenticationScheme);
}
