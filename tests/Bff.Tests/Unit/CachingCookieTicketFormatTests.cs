using System.Security.Claims;
using OpenBff.SessionCache;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Unit;

/// <summary>
/// <see cref="CachingCookieTicketFormat"/>: a cookie decrypted in the last five minutes is not
/// decrypted again; only cookies that decrypted are remembered; expired ones are swept out; the
/// cache is bounded (<see cref="CookieCacheBoundTests"/>); anything unusual (a purpose, an oversized cookie) goes to the inner format.
/// </summary>
public sealed class CachingCookieTicketFormatTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly CountingFormat _inner = new();
    private readonly CachingCookieTicketFormat _format;

    public CachingCookieTicketFormatTests() => _format = new CachingCookieTicketFormat(_inner, _time);

    [Fact]
    public void A_cookie_seen_again_is_not_decrypted_again_and_its_requests_share_one_ticket()
    {
        Assert.NotNull(_format.Unprotect("good-1"));
        var second = _format.Unprotect("good-1");
        var third = _format.Unprotect("good-1");

        Assert.Equal(1, _inner.Calls);
        Assert.Same(second, third);
        Assert.Equal("good-1", second!.Principal.FindFirst("sub")!.Value);
    }

    [Fact]
    public void The_shared_ticket_refuses_changes()
    {
        _format.Unprotect("good-1");
        var shared = _format.Unprotect("good-1")!;

        Assert.Throws<NotSupportedException>(() => shared.Properties.Items["x"] = "y");
    }

    [Fact]
    public void A_cookie_that_does_not_decrypt_is_never_remembered()
    {
        Assert.Null(_format.Unprotect("junk"));
        Assert.Null(_format.Unprotect("junk"));

        Assert.Equal(2, _inner.Calls);
        Assert.Equal(0, _format.Count);
        Assert.Null(_format.FindKnownCookie("junk"));
    }

    [Fact]
    public void A_cookie_is_decrypted_again_five_minutes_after_it_was_remembered()
    {
        _format.Unprotect("good-1");

        _time.Advance(TimeSpan.FromMinutes(4));
        _format.Unprotect("good-1");
        Assert.Equal(1, _inner.Calls);

        _time.Advance(TimeSpan.FromMinutes(1));
        _format.Unprotect("good-1");
        Assert.Equal(2, _inner.Calls);
    }

    [Fact]
    public void Expired_cookies_are_swept_out_on_the_next_new_cookie()
    {
        _format.Unprotect("good-1");
        _format.Unprotect("good-2");
        Assert.Equal(2, _format.Count);

        _time.Advance(TimeSpan.FromMinutes(6));
        _format.Unprotect("good-3");

        Assert.Equal(1, _format.Count);
    }

    [Fact]
    public void A_purpose_or_an_oversized_cookie_goes_to_the_inner_format_every_time()
    {
        var huge = "good-" + new string('x', 4100);

        _format.Unprotect("good-1", "some-purpose");
        _format.Unprotect("good-1", "some-purpose");
        _format.Unprotect(huge);
        _format.Unprotect(huge);

        Assert.Equal(4, _inner.Calls);
        Assert.Equal(0, _format.Count);
    }

    [Fact]
    public void A_remembered_cookie_is_found_by_its_characters_as_the_remembered_string_until_it_expires()
    {
        var remembered = new string("good-1".AsSpan());
        _format.Unprotect(remembered);

        Assert.Same(remembered, _format.FindKnownCookie("xgood-1x".AsSpan(1, 6)));
        Assert.Null(_format.FindKnownCookie("good-2"));

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(_format.FindKnownCookie("good-1"));
    }

    /// <summary>Decrypts any cookie starting with "good-" (its subject is the cookie), refuses the rest, and counts calls.</summary>
    private sealed class CountingFormat : ISecureDataFormat<AuthenticationTicket>
    {
        private int _calls;

        public int Calls => _calls;

        public string Protect(AuthenticationTicket data) => throw new NotSupportedException();

        public string Protect(AuthenticationTicket data, string? purpose) => throw new NotSupportedException();

        public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

        public AuthenticationTicket? Unprotect(string? protectedText, string? purpose)
        {
            Interlocked.Increment(ref _calls);
            return protectedText?.StartsWith("good-", StringComparison.Ordinal) == true
                ? new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", protectedText)], "test")), "bff-cookie")
                : null;
        }
    }
}
