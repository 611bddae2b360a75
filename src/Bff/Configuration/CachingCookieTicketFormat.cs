using System.Collections.ObjectModel;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Memory;

namespace Bff.Configuration;

/// <summary>
/// Remembers what each session cookie decrypted to. With server-side sessions a cookie holds only
/// the session key, its decryption is deterministic, and it never expires by itself (the session
/// does), so a cookie seen in the last minutes skips data protection. Bounded in entries; entries
/// live a few minutes at most, so a revoked data-protection key stops being honoured soon after.
/// A cached ticket is shared by every request with that cookie; its properties refuse any change.
/// </summary>
internal sealed class CachingCookieTicketFormat : ISecureDataFormat<AuthenticationTicket>, IDisposable
{
    private const int MaxEntries = 10_000;
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private readonly ISecureDataFormat<AuthenticationTicket> _inner;
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = MaxEntries });

    public CachingCookieTicketFormat(ISecureDataFormat<AuthenticationTicket> inner) => _inner = inner;

    public string Protect(AuthenticationTicket data) => _inner.Protect(data);

    public string Protect(AuthenticationTicket data, string? purpose) => _inner.Protect(data, purpose);

    public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

    public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
    {
        if (protectedText is null || purpose is not null || protectedText.Length > 4096)
        {
            return _inner.Unprotect(protectedText, purpose);
        }

        if (_cache.TryGetValue(protectedText, out AuthenticationTicket? known) && known is not null)
        {
            return known; // shared: the cookie handler only reads the session key from it
        }

        var ticket = _inner.Unprotect(protectedText);
        if (ticket is not null)
        {
            var readOnly = new AuthenticationProperties(
                new ReadOnlyDictionary<string, string?>(new Dictionary<string, string?>(ticket.Properties.Items, StringComparer.Ordinal)));
            _cache.Set(
                protectedText,
                new AuthenticationTicket(ticket.Principal, readOnly, ticket.AuthenticationScheme),
                new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = Lifetime });
        }

        return ticket;
    }

    public void Dispose() => _cache.Dispose();
}
