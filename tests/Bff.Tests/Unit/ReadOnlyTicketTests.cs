using System.Security.Claims;
using OpenBff.SessionCache;
using OpenBff.Sessions;
using Microsoft.AspNetCore.Authentication;

namespace Bff.Tests.Unit;

/// <summary>The ticket the caches share between concurrent requests cannot be changed by one of them.</summary>
public sealed class ReadOnlyTicketTests
{
    [Fact]
    public void A_shared_ticket_refuses_changes_to_its_properties()
    {
        var shared = ReadOnlyTicket.Copy(NewTicket());

        Assert.Throws<NotSupportedException>(() => shared.Properties.Items["x"] = "y");
        Assert.Throws<NotSupportedException>(() => shared.Properties.ExpiresUtc = DateTimeOffset.UnixEpoch);
        Assert.Throws<NotSupportedException>(() => shared.Properties.StoreTokens([new AuthenticationToken { Name = "access_token", Value = "other" }]));
        Assert.Equal("token", shared.Properties.GetTokenValue("access_token"));
    }

    [Fact]
    public void A_shared_ticket_does_not_change_with_the_ticket_it_was_copied_from()
    {
        var original = NewTicket();
        var shared = ReadOnlyTicket.Copy(original);

        original.Properties.UpdateTokenValue("access_token", "rotated");

        Assert.Equal("token", shared.Properties.GetTokenValue("access_token"));
    }

    /// <summary>
    /// The library's own writer works on a shared ticket through a writable copy (the serializer
    /// drops the session key and moves JWTs out of the properties), and leaves the shared one as it was.
    /// </summary>
    [Fact]
    public void A_shared_ticket_can_be_serialized_for_the_store_and_is_not_changed_by_it()
    {
        const string jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl";
        var ticket = NewTicket();
        ticket.Properties.UpdateTokenValue("access_token", jwt);
        ticket.Properties.Items[SessionProperties.SessionKey] = "key-1";
        var shared = ReadOnlyTicket.Copy(ticket);

        var read = SessionTicketFormat.Deserialize(SessionTicketFormat.Serialize(shared))!;

        Assert.Equal(jwt, read.Properties.GetTokenValue("access_token"));
        Assert.False(read.Properties.Items.ContainsKey(SessionProperties.SessionKey));
        Assert.Equal(jwt, shared.Properties.GetTokenValue("access_token"));
        Assert.Equal("key-1", shared.Properties.Items[SessionProperties.SessionKey]);
    }

    private static AuthenticationTicket NewTicket()
    {
        var properties = new AuthenticationProperties();
        properties.StoreTokens([new AuthenticationToken { Name = "access_token", Value = "token" }]);
        return new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "alice")], "oidc")), properties, "bff-cookie");
    }
}
