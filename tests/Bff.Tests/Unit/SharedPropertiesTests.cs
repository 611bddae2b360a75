using System.Security.Claims;
using OpenBff.SessionCache;
using Microsoft.AspNetCore.Authentication;

namespace Bff.Tests.Unit;

/// <summary>
/// <see cref="SharedProperties"/>: a cached ticket's tokens carry their <c>Authorization</c> header
/// value and parsed expiry, derived once per cached ticket, from the ticket's own items.
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
    public void A_routes_own_token_is_derived_on_first_use_and_then_kept()
    {
        var ticket = NewTicket(("access_token", "main"));
        ticket.Properties.Items[RouteTokenItem] = "route-token";
        ticket.Properties.Items[RouteExpiresItem] = "2026-12-02T09:00:00.0000000+00:00";
        var properties = (SharedProperties)ReadOnlyTicket.Copy(ticket).Properties;

        var first = properties.Token(RouteTokenItem, RouteExpiresItem);
        var second = properties.Token(RouteTokenItem, RouteExpiresItem);

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

        Assert.Null(properties.Token(RouteTokenItem, RouteExpiresItem));
        Assert.Null(properties.Token(RouteTokenItem, RouteExpiresItem));
    }

    [Fact]
    public async Task Requests_deriving_route_tokens_at_once_each_get_their_own_routes_token()
    {
        var ticket = NewTicket(("access_token", "main"));
        for (var i = 0; i < 8; i++)
        {
            ticket.Properties.Items[$".Token.api|{i}"] = $"token-{i}";
        }

        var properties = (SharedProperties)ReadOnlyTicket.Copy(ticket).Properties;

        var tokens = await Task.WhenAll(Enumerable.Range(0, 64).Select(n => Task.Run(() => properties.Token($".Token.api|{n % 8}", $".Token.api|{n % 8}|expires_at"))));

        for (var n = 0; n < 64; n++)
        {
            Assert.Equal($"token-{n % 8}", tokens[n]!.AccessToken);
        }
    }

    private static SharedToken? MainToken(SharedProperties properties) => properties.Token(".Token.access_token", ".Token.expires_at");

    private static AuthenticationTicket Shared(params (string Name, string Value)[] tokens) => ReadOnlyTicket.Copy(NewTicket(tokens));

    private static AuthenticationTicket NewTicket(params (string Name, string Value)[] tokens)
    {
        var properties = new AuthenticationProperties();
        properties.StoreTokens(tokens.Select(t => new AuthenticationToken { Name = t.Name, Value = t.Value }));
        return new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "alice")], "oidc")), properties, "bff-cookie");
    }
}
