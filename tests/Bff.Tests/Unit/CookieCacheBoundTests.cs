using System.Security.Claims;
using OpenBff.SessionCache;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Unit;

/// <summary>
/// The cookie-value cache at its bound: when every entry is live, the tenth nearest their end make
/// room and the rest stay remembered (it used to forget every cookie at once).
/// </summary>
public sealed class CookieCacheBoundTests
{
    [Fact]
    public void A_full_cache_evicts_the_oldest_tenth_and_keeps_the_rest()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var inner = new CountingFormat();
        var cache = new CachingCookieTicketFormat(inner, time, options: new SessionCacheOptions { CookieEntries = 20 });
        for (var i = 0; i < 20; i++)
        {
            cache.Unprotect($"cookie-{i}");
            time.Advance(TimeSpan.FromSeconds(1)); // cookie-0 is the oldest
        }

        cache.Unprotect("cookie-20"); // the 21st: two make room
        var decryptions = inner.Calls;
        for (var i = 2; i <= 20; i++)
        {
            cache.Unprotect($"cookie-{i}");
        }

        Assert.Equal(19, cache.Count);
        Assert.Equal(decryptions, inner.Calls); // cookies 2..20 are all still remembered
        cache.Unprotect("cookie-0");
        Assert.Equal(decryptions + 1, inner.Calls); // the oldest was the one evicted
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
