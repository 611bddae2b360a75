using System.Security.Claims;
using OpenBff.SessionCache;
using OpenBff.Sessions;
using Microsoft.AspNetCore.Authentication;

namespace Bff.Tests.Unit;

/// <summary>
/// The stored form of a session's ticket: whatever the tokens look like, what is read back is
/// exactly what was written (every claim, property and token, character for character).
/// </summary>
public sealed class SessionTicketFormatTests
{
    private const string Jws =
        "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEiLCJ0eXAiOiJhdCtqd3QifQ.eyJzdWIiOiJhbGljZSIsIm5hbWUiOiJBbGljZSBTbWl0aCIsImlzcyI6Imh0dHA6Ly8xMjcuMC4wLjE6NTEwMS8ifQ.c2lnbmF0dXJlLWJ5dGVzLW9mLWFuLVJTMjU2LXNpZ25hdHVyZS1zb21ldGltZXMtbG9uZw";

    [Theory]
    [InlineData(Jws)] // JWS: three base64url segments
    [InlineData("eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..aXYtMTItYnl0ZXM.Y2lwaGVydGV4dA.dGFnLTE2LWJ5dGVzLS0")] // JWE with an empty key segment
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhIn0.")] // unsigned: empty last segment
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.AB")] // non-canonical last segment (unused bits set): kept as written
    [InlineData("a.b.c")] // dots, not a JWT
    [InlineData("a+b/c=.x.y")] // base64 (not base64url) characters
    [InlineData("2YotnFZFEjr1zCsicMWpAA")] // opaque reference token
    [InlineData("")]
    public void A_token_reads_back_exactly_as_it_was_written(string token)
    {
        var ticket = NewTicket(token);

        var read = SessionTicketFormat.Deserialize(SessionTicketFormat.Serialize(ticket))!;

        Assert.Equal(token, read.Properties.GetTokenValue("access_token"));
        Assert.Equal(Jws, read.Properties.GetTokenValue("id_token"));
        Assert.Equal("opaque-refresh", read.Properties.GetTokenValue("refresh_token"));
    }

    [Fact]
    public void Claims_properties_and_scheme_read_back_unchanged()
    {
        var ticket = NewTicket(Jws);

        var read = SessionTicketFormat.Deserialize(SessionTicketFormat.Serialize(ticket))!;

        Assert.Equal("bff-cookie", read.AuthenticationScheme);
        Assert.Equal(
            ticket.Principal.Claims.Select(c => (c.Type, c.Value, c.Issuer, c.ValueType)),
            read.Principal.Claims.Select(c => (c.Type, c.Value, c.Issuer, c.ValueType)));
        Assert.Equal(ticket.Properties.Items.OrderBy(i => i.Key), read.Properties.Items.OrderBy(i => i.Key));
        Assert.Equal(ticket.Properties.ExpiresUtc, read.Properties.ExpiresUtc);
    }

    [Fact]
    public void A_ticket_in_ASP_NET_Cores_plain_format_is_still_read()
    {
        var ticket = NewTicket(Jws);

        var read = SessionTicketFormat.Deserialize(TicketSerializer.Default.Serialize(ticket))!;

        Assert.Equal(Jws, read.Properties.GetTokenValue("access_token"));
        Assert.Equal("Alice Smith", read.Principal.FindFirst("name")?.Value);
    }

    [Fact]
    public void JWT_tokens_are_stored_smaller_than_in_the_plain_format()
    {
        var ticket = NewTicket(Jws);

        var compact = SessionTicketFormat.Serialize(ticket);

        Assert.True(compact.Length < TicketSerializer.Default.Serialize(ticket).Length * 0.7, $"{compact.Length} B");
    }

    [Fact]
    public void Tickets_read_back_share_claim_types_and_issuers_but_never_values()
    {
        var data = SessionTicketFormat.Serialize(NewTicket(Jws));

        var serializer = new InterningTicketSerializer(); // the BFF's one, a DI singleton
        var first = SessionTicketFormat.Deserialize(data, serializer)!.Principal.FindFirst("name")!;
        var second = SessionTicketFormat.Deserialize(data, serializer)!.Principal.FindFirst("name")!;

        Assert.Same(first.Type, second.Type);
        Assert.Same(first.Issuer, second.Issuer);
        Assert.Same(first.OriginalIssuer, second.OriginalIssuer);
        Assert.Equal(first.Value, second.Value);
        Assert.NotSame(first.Value, second.Value);
    }

    [Fact]
    public void Items_left_out_are_not_in_the_ticket_read_and_the_rest_reads_back()
    {
        var ticket = NewTicket(Jws);

        var read = SessionTicketFormat.Deserialize(SessionTicketFormat.Serialize(ticket), null, ".Token.id_token", ".Token.refresh_token")!;

        Assert.Equal(Jws, read.Properties.GetTokenValue("access_token"));
        Assert.Null(read.Properties.GetTokenValue("id_token"));
        Assert.Null(read.Properties.GetTokenValue("refresh_token"));
        Assert.Equal("Bearer", read.Properties.GetTokenValue("token_type"));
    }

    private static AuthenticationTicket NewTicket(string accessToken)
    {
        const string issuer = "http://127.0.0.1:5101/";
        var identity = new ClaimsIdentity(
            [
                new Claim("sub", "alice", ClaimValueTypes.String, issuer),
                new Claim("name", "Alice Smith", ClaimValueTypes.String, issuer),
                new Claim("email", "alice@example.com", ClaimValueTypes.String, issuer),
                new Claim("sid", "c2lkLW9mLWFsaWNl", ClaimValueTypes.String, issuer),
            ],
            "oidc", "name", "role");
        var properties = new AuthenticationProperties { ExpiresUtc = DateTimeOffset.FromUnixTimeSeconds(1_900_000_000), IsPersistent = false };
        properties.Items[".bff.created"] = "2026-11-30T08:00:00.0000000+00:00";
        properties.StoreTokens(
        [
            new AuthenticationToken { Name = "access_token", Value = accessToken },
            new AuthenticationToken { Name = "id_token", Value = Jws },
            new AuthenticationToken { Name = "refresh_token", Value = "opaque-refresh" },
            new AuthenticationToken { Name = "token_type", Value = "Bearer" },
            new AuthenticationToken { Name = "expires_at", Value = "2026-11-30T08:05:00.0000000+00:00" },
        ]);
        return new AuthenticationTicket(new ClaimsPrincipal(identity), properties, "bff-cookie");
    }
}
