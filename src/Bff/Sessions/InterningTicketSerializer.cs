using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace Bff.Sessions;

/// <summary>
/// ASP.NET Core's ticket format, reading each claim's type, value type and issuers as one shared
/// string per distinct value instead of new strings per ticket: every decrypted ticket the library
/// keeps for a session in use repeats the provider's URL and the same claim types (about 1 KB per
/// session). Claim values are never shared. The pool is bounded (entries and length): beyond it,
/// strings are kept as read.
/// </summary>
internal sealed class InterningTicketSerializer : TicketSerializer
{
    private const int MaxEntries = 1024;
    private const int MaxLength = 256;

    private static readonly ConcurrentDictionary<string, string> Pool = new(StringComparer.Ordinal);

    public static new InterningTicketSerializer Default { get; } = new();

    protected override Claim ReadClaim(BinaryReader reader, ClaimsIdentity identity)
    {
        var claim = base.ReadClaim(reader, identity);
        var shared = new Claim(Shared(claim.Type), claim.Value, Shared(claim.ValueType), Shared(claim.Issuer), Shared(claim.OriginalIssuer), identity);
        foreach (var (key, value) in claim.Properties)
        {
            shared.Properties.Add(key, value);
        }

        return shared;
    }

    private static string Shared(string value)
    {
        if (value.Length > MaxLength)
        {
            return value;
        }

        if (Pool.TryGetValue(value, out var shared))
        {
            return shared;
        }

        return Pool.Count < MaxEntries ? Pool.GetOrAdd(value, value) : value;
    }
}
