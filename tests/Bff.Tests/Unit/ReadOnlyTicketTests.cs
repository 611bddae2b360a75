using System.Security.Claims;
using Bff.SessionCache;
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

    [Fact]
    public void A_writable_copy_of_a_shared_ticket_can_be_changed()
    {
        var copy = ReadOnlyTicket.Copy(NewTicket()).Properties.Clone();

        copy.UpdateTokenValue("access_token", "rotated");

        Assert.Equal("rotated", copy.GetTokenValue("access_token"));
    }

    private static AuthenticationTicket NewTicket()
    {
        var properties = new AuthenticationProperties();
        properties.StoreTokens([new AuthenticationToken { Name = "access_token", Value = "token" }]);
        return new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "alice")], "oidc")), properties, "bff-cookie");
    }
}
