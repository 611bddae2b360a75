using System.Security.Claims;
using OpenBff.SessionCache;
using Microsoft.AspNetCore.Authentication;

namespace Bff.Tests.Unit;

/// <summary>
/// <see cref="SharedProperties"/>: a cached ticket's tokens carry their <c>Authorization</c> header
/// value and parsed expiry, derived once per cached ticket, from the ticket's own items; each token
/// is held once, as its header value, and its items still read as the ticket's.
/// </summary>
public sealed class SharedPropertiesTests
{
    private const string RouteTokenItem = ".Token.api|https://api.example";
    private const string RouteExpiresItem = ".Token.api|https://api.example|expires_at";

    [Fact]
    public void A_cached_tickets_main_token_has_its_header_value_and_expiry()
    {
        var shared = Shared(("access_token", "eyJ.main.sig"), ("expires_at", "2026-12-02T08:05:00.0000000+00:00"));

        var token = MainToken(Assert.IsType<SharedProperties>(shared.Properties));

        Assert.NotNull(token);
        Assert.Equal("eyJ.main.sig", token.AccessToken);
        Assert.Equal("Bearer eyJ.main.sig", token.HeaderValue);
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 8, 5, 0, TimeSpan.Zero), token.ExpiresAt);
    }

    [Fact]
    public void The_same_header_string_is_handed_out_for_every_request_of_a_cached_ticket()
    {
        var properties = (SharedProperties)Shared(("access_token", "opaque")).Properties;

        Assert.Same(MainToken(properties)!.HeaderValue, MainToken(properties)!.HeaderValue);
    }

    [Fact]
    public void A_token_without_expires_at_has_no_expiry()
    {
        var token = MainToken((SharedProperties)Shared(("access_token", "opaque")).Properties)!;

        Assert.Null(token.ExpiresAt);
    }

    [Theory]
    [InlineData("with space")]
    [InlineData("line\r\nInjected: 1")]
    [InlineData("caf\u00E9")]
    public void A_token_no_header_value_may_hold_has_no_header_value(string value)
    {
        var token = MainToken((SharedProperties)Shared(("access_token", value)).Properties)!;

        Assert.Equal(value, token.AccessToken);
        Assert.Null(token.HeaderValue); // the proxy then lets HttpClient validate it: refused, never sent
    }

    [Fact]
    public void A_ticket_without_an_access_token_has_no_main_token()
    {
        Assert.Null(MainToken((SharedProperties)Shared().Properties));
    }

    [Fact]
    public void A_routes_own_token_has_its_own_header_value_and_expiry()
    {
        var ticket = NewTicket(("access_token", "main"));
        ticket.Properties.Items[RouteTokenItem] = "route-token";
        ticket.Properties.Items[RouteExpiresItem] = "2026-12-02T09:00:00.0000000+00:00";
        var properties = (SharedProperties)ReadOnlyTicket.Copy(ticket).Properties;

        var first = properties.Token(RouteTokenItem);
        var second = properties.Token(RouteTokenItem);

        Assert.NotNull(first);
        Assert.Equal("Bearer route-token", first.HeaderValue);
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 9, 0, 0, TimeSpan.Zero), first.ExpiresAt);
        Assert.Same(first, second);
        Assert.Equal("main", MainToken(properties)!.AccessToken); // each item its own token
    }

    [Fact]
    public void A_routes_token_the_ticket_does_not_hold_is_null()
    {
        var properties = (SharedProperties)Shared(("access_token", "main")).Properties;

        Assert.Null(properties.Token(RouteTokenItem));
    }

    [Fact]
    public void A_cached_ticket_holds_each_access_token_once_as_its_header_value_until_the_token_is_asked_for()
    {
        var ticket = NewTicket(("access_token", "eyJ.main.sig"));
        ticket.Properties.Items[RouteTokenItem] = "route-token";
        var properties = (SharedProperties)ReadOnlyTicket.Copy(ticket).Properties;
        var main = MainToken(properties)!;

        Assert.Equal("Bearer eyJ.main.sig", main.HeaderValue);
        Assert.False(main.HoldsAccessToken); // what a proxied request reads did not make the token string

        Assert.Equal("eyJ.main.sig", properties.GetTokenValue("access_token"));
        Assert.True(main.HoldsAccessToken);
        Assert.Same(properties.GetTokenValue("access_token"), main.AccessToken); // made once, then kept
        Assert.False(properties.Token(RouteTokenItem)!.HoldsAccessToken);
    }

    [Fact]
    public void The_items_of_a_cached_ticket_read_as_the_tickets_own_tokens_included()
    {
        var ticket = NewTicket(("access_token", "eyJ.main.sig"), ("expires_at", "2026-12-02T08:05:00.0000000+00:00"));
        ticket.Properties.Items[RouteTokenItem] = "route-token";
        ticket.Properties.Items[RouteExpiresItem] = "2026-12-02T09:00:00.0000000+00:00";
        ticket.Properties.Items["custom"] = null;

        var items = ReadOnlyTicket.Copy(ticket).Properties.Items;

        Assert.Equal(ticket.Properties.Items.OrderBy(i => i.Key, StringComparer.Ordinal), items.OrderBy(i => i.Key, StringComparer.Ordinal));
        Assert.Equal(ticket.Properties.Items.Count, items.Count);
        Assert.Equal("route-token", items[RouteTokenItem]);
        Assert.True(items.ContainsKey(".Token.access_token"));
        Assert.True(items.Contains(new KeyValuePair<string, string?>(RouteTokenItem, "route-token")));
        Assert.False(items.Contains(new KeyValuePair<string, string?>(RouteTokenItem, "another")));
        Assert.True(items.TryGetValue("custom", out var custom));
        Assert.Null(custom);
        Assert.False(items.TryGetValue("absent", out _));
        Assert.Throws<KeyNotFoundException>(() => items["absent"]);
        Assert.Equal(items.Count, items.Keys.Count);
        Assert.Contains("eyJ.main.sig", items.Values);
        var copy = new KeyValuePair<string, string?>[items.Count + 1];
        items.CopyTo(copy, 1);
        Assert.Equal(items, copy.Skip(1));
    }

    [Fact]
    public void The_items_of_a_cached_ticket_refuse_every_change()
    {
        var properties = Shared(("access_token", "eyJ.main.sig")).Properties;

        Assert.True(properties.Items.IsReadOnly);
        Assert.Throws<NotSupportedException>(() => properties.Items[".Token.access_token"] = "another");
        Assert.Throws<NotSupportedException>(() => properties.Items.Add("x", "y"));
        Assert.Throws<NotSupportedException>(() => properties.Items.Remove(".Token.access_token"));
        Assert.Throws<NotSupportedException>(() => properties.Items.Clear());
        Assert.Throws<NotSupportedException>(() => properties.UpdateTokenValue("access_token", "another"));
        Assert.Equal("eyJ.main.sig", properties.GetTokenValue("access_token"));
    }

    private static SharedToken? MainToken(SharedProperties properties) => properties.Token(".Token.access_token");

    private static AuthenticationTicket Shared(params (string Name, string Value)[] tokens) => ReadOnlyTicket.Copy(NewTicket(tokens));

    private static AuthenticationTicket NewTicket(params (string Name, string Value)[] tokens)
    {
        var properties = new AuthenticationProperties();
        properties.StoreTokens(tokens.Select(t => new AuthenticationToken { Name = t.Name, Value = t.Value }));
        return new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "alice")], "oidc")), properties, "bff-cookie");
    }
}
