using System.Security.Claims;
using OpenBff.Core;
using OpenBff.SessionCache;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Unit;

/// <summary>
/// <see cref="TicketCache"/>: a hit needs the stored bytes to be exactly the cached ones, so a
/// change made by any instance is seen at once; the shared ticket is read-only and leaves out the
/// ID and refresh tokens; entries leave after five idle minutes; the cache is bounded.
/// </summary>
public sealed class TicketCacheTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly TicketCache _cache;

    public TicketCacheTests() => _cache = new TicketCache(_time);

    [Fact]
    public void The_same_stored_bytes_return_the_cached_ticket()
    {
        var stored = new byte[] { 1, 2, 3 };
        _cache.Set("s1", stored, Ticket());

        var hit = _cache.Get("s1", stored);

        Assert.NotNull(hit);
        Assert.Equal("alice", hit.Principal.FindFirst("sub")!.Value);
    }

    [Fact]
    public void A_request_that_missed_gets_the_same_shared_ticket_as_the_requests_that_hit()
    {
        var stored = new byte[] { 1, 2, 3 };

        var missed = _cache.Set("s1", stored, Ticket());

        Assert.Same(missed, _cache.Get("s1", stored));
        Assert.Null(missed.Properties.GetTokenValue(TokenNames.RefreshToken));
    }

    [Fact]
    public void Equal_bytes_read_again_from_the_store_are_a_hit()
    {
        _cache.Set("s1", [1, 2, 3], Ticket());

        Assert.NotNull(_cache.Get("s1", [1, 2, 3]));
    }

    [Fact]
    public void Equal_bytes_read_again_replace_the_first_copy_so_a_session_holds_one()
    {
        var first = new byte[] { 1, 2, 3 };
        _cache.Set("s1", first, Ticket());
        var readAgain = new byte[] { 1, 2, 3 }; // the Redis store reads the session again when its copy ages out

        var session = _cache.GetShared("s1", readAgain);

        Assert.NotNull(session);
        Assert.Same(readAgain, session.Protected); // the first array is no longer held; the next request compares references
        Assert.Same(session, _cache.GetShared("s1", readAgain));
        Assert.Same(session, _cache.GetShared("s1", first)); // still the same bytes
        Assert.Null(_cache.GetShared("s1", [1, 2, 4]));
    }

    [Fact]
    public void Different_stored_bytes_are_a_miss_so_another_instances_change_is_seen_at_once()
    {
        _cache.Set("s1", [1, 2, 3], Ticket());

        Assert.Null(_cache.Get("s1", [1, 2, 4]));
        Assert.Null(_cache.Get("s1", [1, 2]));
    }

    [Fact]
    public void An_unknown_or_removed_session_is_a_miss()
    {
        var stored = new byte[] { 1 };
        _cache.Set("s1", stored, Ticket());

        _cache.Remove("s1");

        Assert.Null(_cache.Get("s1", stored));
        Assert.Null(_cache.Get("s2", stored));
    }

    [Fact]
    public void The_shared_ticket_keeps_the_access_token_but_not_the_id_or_refresh_token_and_refuses_changes()
    {
        var stored = new byte[] { 1 };
        var ticket = Ticket();
        _cache.Set("s1", stored, ticket);

        var shared = _cache.Get("s1", stored)!;

        Assert.Equal("access", shared.Properties.GetTokenValue(TokenNames.AccessToken));
        Assert.Null(shared.Properties.GetTokenValue(TokenNames.IdToken));
        Assert.Null(shared.Properties.GetTokenValue(TokenNames.RefreshToken));
        Assert.Throws<NotSupportedException>(() => shared.Properties.Items["x"] = "y");
        Assert.Equal("refresh", ticket.Properties.GetTokenValue(TokenNames.RefreshToken)); // the caller's ticket is untouched
    }

    [Fact]
    public void An_entry_idle_for_five_minutes_leaves_one_in_use_stays()
    {
        var stored = new byte[] { 1 };
        _cache.Set("idle", stored, Ticket());
        _cache.Set("used", stored, Ticket());

        for (var i = 0; i < 3; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(2));
            Assert.NotNull(_cache.Get("used", stored));
        }

        Assert.Null(_cache.Get("idle", stored));
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(_cache.Get("used", stored));
    }

    [Fact]
    public void A_known_cookie_reads_its_session_through_the_entry_it_found_last_time()
    {
        var stored = new byte[] { 1, 2, 3 };
        _cache.Set("s1", stored, Ticket());
        var cookie = Cookie("s1");

        var first = _cache.GetShared(cookie, stored);
        var again = _cache.GetShared(cookie, stored);

        Assert.NotNull(first);
        Assert.Same(first, again);
        Assert.NotNull(cookie.Cached);
        Assert.Same(first, cookie.Cached.Value);
    }

    [Fact]
    public void A_known_cookie_sees_changed_stored_bytes_at_once_though_its_entry_is_still_cached()
    {
        _cache.Set("s1", [1, 2, 3], Ticket());
        var cookie = Cookie("s1");
        Assert.NotNull(_cache.GetShared(cookie, [1, 2, 3]));

        Assert.Null(_cache.GetShared(cookie, [1, 2, 4])); // another instance refreshed the session
        Assert.NotNull(_cache.GetShared(cookie, [1, 2, 3]));
    }

    [Fact]
    public void A_known_cookie_never_reads_through_an_entry_removed_or_replaced_since()
    {
        var stored = new byte[] { 1 };
        _cache.Set("s1", stored, Ticket());
        var cookie = Cookie("s1");
        var before = _cache.GetShared(cookie, stored);

        _cache.Remove("s1");
        Assert.Null(_cache.GetShared(cookie, stored));

        var renewed = new byte[] { 2 };
        _cache.Set("s1", renewed, Ticket());
        var after = _cache.GetShared(cookie, renewed);
        Assert.NotNull(after);
        Assert.NotSame(before, after);

        _cache.Set("s1", renewed, Ticket()); // the same bytes decrypted again: a new shared copy
        Assert.NotSame(after, _cache.GetShared(cookie, renewed));
    }

    [Fact]
    public void Reads_through_a_known_cookie_keep_its_session_from_going_idle()
    {
        var stored = new byte[] { 1 };
        _cache.Set("s1", stored, Ticket());
        var cookie = Cookie("s1");

        for (var i = 0; i < 4; i++)
        {
            Assert.NotNull(_cache.GetShared(cookie, stored));
            _time.Advance(TimeSpan.FromMinutes(2));
        }

        Assert.NotNull(_cache.Get("s1", stored)); // 8 minutes after it was set, read every 2
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(_cache.GetShared(cookie, stored));
    }

    [Fact]
    public void A_cookie_without_a_session_key_or_whose_session_is_not_cached_finds_nothing()
    {
        Assert.Null(_cache.GetShared(new KnownSession(Ticket(), sessionKey: null), [1]));
        Assert.Null(_cache.GetShared(Cookie("unknown"), [1]));
    }

    [Fact]
    public void It_never_holds_more_sessions_than_its_bound()
    {
        var small = new TicketCache(_time, new SessionCacheOptions { TicketEntries = 100 });
        var stored = new byte[] { 1 };
        var ticket = Ticket();
        for (var i = 0; i < 150; i++)
        {
            small.Set($"s{i}", stored, ticket);
        }

        Assert.Equal(100, small.Count);
        Assert.NotNull(small.Get("s149", stored)); // the last set is held
    }

    private static KnownSession Cookie(string sessionKey) => new(Ticket(), sessionKey);

    private static AuthenticationTicket Ticket()
    {
        var properties = new AuthenticationProperties();
        properties.StoreTokens(
        [
            new AuthenticationToken { Name = TokenNames.AccessToken, Value = "access" },
            new AuthenticationToken { Name = TokenNames.IdToken, Value = "id" },
            new AuthenticationToken { Name = TokenNames.RefreshToken, Value = "refresh" },
        ]);
        return new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "alice")], "oidc")), properties, "bff-cookie");
    }
}
