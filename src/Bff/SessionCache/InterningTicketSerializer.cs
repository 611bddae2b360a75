using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace OpenBff.SessionCache;

/// <summary>
/// ASP.NET Core's ticket format, reading each claim's type, value type and issuers as one shared
/// string per distinct value instead of new strings per ticket: every decrypted ticket the library
/// keeps for a session in use repeats the provider's URL and the same claim types (about 1 KB per
/// session). Claim values are never shared. The pool is bounded (entries and length): beyond it,
/// strings are kept as read.
/// </summary>
internal sealed class InterningTicketSerializer : TicketSerializer
{
    private readonly ConcurrentDictionary<string, string> _pool = new(StringComparer.Ordinal);
    private readonly int _maxEntries;
    private readonly int _maxLength;

    /// <summary>One per process, a DI singleton (<c>AddBff()</c>): its pool is shared by every ticket it reads.</summary>
    public InterningTicketSerializer(SessionCacheOptions? options = null)
    {
        options ??= new SessionCacheOptions();
        _maxEntries = options.InternedStrings;
        _maxLength = options.MaxInternedLength;
    }

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

    private string Shared(string value)
    {
        if (value.Length > _maxLength)
        {
            return value;
        }

        if (_pool.TryGetValue(value, out var shared))
        {
            return shared;
        }

        return _pool.Count < _maxEntries ? _pool.GetOrAdd(value, value) : value;
    }
}
