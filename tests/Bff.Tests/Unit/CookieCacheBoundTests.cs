using System.Security.Claims;
using OpenBff.SessionCache;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Unit;

/// <summary>
/// The cookie-value cache at its bound: when every entry is live, the cookie least recently used
/// makes room and the rest stay remembered (it used to forget every cookie at once, then a tenth).
/// </summary>
public sealed class CookieCacheBoundTests
{
    [Fact]
    public void A_full_cache_evicts_the_cookie_least_recently_used_and_keeps_the_rest()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var inner = new CountingFormat();
        var cache = new CachingCookieTicketFormat(inner, time, options: new SessionCacheOptions { CookieEntries = 20 });
        for (var i = 0; i < 20; i++)
        {
            cache.Unprotect($"cookie-{i}");
        }

        for (var i = 0; i < 20; i++)
        {
            if (i != 7)
            {
                cache.Unprotect($"cookie-{i}"); // every cookie used again but cookie-7
            }
        }

        cache.Unprotect("cookie-20"); // the 21st: one makes room
        var decryptions = inner.Calls;
        for (var i = 0; i <= 20; i++)
        {
            if (i != 7)
            {
                cache.Unprotect($"cookie-{i}");
            }
        }

        Assert.Equal(20, cache.Count);
        Assert.Equal(decryptions, inner.Calls); // all but cookie-7 are still remembered
        cache.Unprotect("cookie-7");
        Assert.Equal(decryptions + 1, inner.Calls); // the one not used since was evicted
    }

    /// <summary>Accepts any cookie, counting the decryptions the cache did not save.</summary>
    private sealed class CountingFormat : ISecureDataFormat<AuthenticationTicket>
    {
        public int Calls { get; private set; }

        public string Protect(AuthenticationTicket data) => throw new NotSupportedException();

        public string Protect(AuthenticationTicket data, string? purpose) => throw new NotSupportedException();

        public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

        public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
        {
            Calls++;
            return new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity("test")), "bff-cookie");
        }
    }
}
