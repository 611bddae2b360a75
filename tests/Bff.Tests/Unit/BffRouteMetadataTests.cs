using OpenBff.Proxy;
using Yarp.ReverseProxy.Configuration;

namespace Bff.Tests.Unit;

public sealed class BffRouteMetadataTests
{
    private static RouteConfig Route(params (string Key, string Value)[] metadata) => new()
    {
        RouteId = "r1",
        ClusterId = "c1",
        Match = new RouteMatch { Path = "/api/{**rest}" },
        Metadata = metadata.ToDictionary(m => m.Key, m => m.Value),
    };

    [Theory]
    [InlineData("Bff.TokenType", "User", "User")]
    [InlineData("Bff.TokenType", "Client", "Client")]
    [InlineData("Bff.TokenType", "UserOrClient", "UserOrClient")]
    [InlineData("Bff.TokenType", "OptionalUser", "OptionalUser")]
    [InlineData("Bff.TokenType", "None", "None")]
    [InlineData("Duende.Bff.Yarp.TokenType", "User", "User")]
    [InlineData("Duende.Bff.Yarp.TokenType", "UserOrNone", "OptionalUser")]
    [InlineData("Bff.TokenType", "user", "User")] // values ignore case, as Duende.BFF's do
    [InlineData("Bff.TokenType", "USERORCLIENT", "UserOrClient")]
    [InlineData("Duende.Bff.Yarp.TokenType", "userOrNone", "OptionalUser")]
    public void Parse_token_types_and_their_Duende_aliases(string key, string value, string expectedName)
    {
        var expected = Enum.Parse<RouteTokenType>(expectedName);
        var errors = new List<string>();
        var settings = BffRouteMetadata.Parse(Route((key, value)), errors);
        Assert.Empty(errors);
        Assert.Equal(expected, settings.TokenType);
    }

    [Fact]
    public void Parse_without_metadata_attaches_no_token_and_requires_anti_forgery()
    {
        var settings = BffRouteMetadata.Parse(Route(), []);
        Assert.Equal(RouteTokenType.None, settings.TokenType);
        Assert.True(settings.AntiForgery);
    }

    [Theory]
    [InlineData("Bff.AntiForgery", "false", false)]
    [InlineData("Bff.AntiForgery", "true", true)]
    [InlineData("Duende.Bff.Yarp.AntiforgeryCheck", "false", false)]
    public void Parse_anti_forgery_switch(string key, string value, bool expected) =>
        Assert.Equal(expected, BffRouteMetadata.Parse(Route((key, value)), []).AntiForgery);

    [Theory]
    [InlineData("Bff.TokenType", "Usr", "Bff.TokenType 'Usr' is not a token type")]
    [InlineData("Bff.AntiForgery", "yes", "must be true or false")]
    [InlineData("Bff.TokenTyp", "User", "metadata key 'Bff.TokenTyp' is unknown")]
    [InlineData("Bff.Resource", "not a uri", "must be an absolute URI")]
    public void Parse_bad_values_are_errors_naming_the_route(string key, string value, string expected)
    {
        var errors = new List<string>();
        BffRouteMetadata.Parse(Route((key, value)), errors);
        var error = Assert.Single(errors);
        Assert.Contains("Route 'r1'", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("User")]
    [InlineData("OptionalUser")]
    [InlineData("UserOrClient")]
    [InlineData("Client")]
    public void Parse_scope_and_resource_name_the_token_of_every_token_type(string tokenType)
    {
        var errors = new List<string>();
        var settings = BffRouteMetadata.Parse(Route(("Bff.TokenType", tokenType), ("Bff.Scope", "b.read a.read"), ("Bff.Resource", "https://api.example.com")), errors);
        Assert.Empty(errors);
        Assert.Equal("https://api.example.com", settings.UserToken!.Resource);
        Assert.Equal("a.read b.read", settings.UserToken.Scope); // canonical order: one token however the scopes are written
    }

    [Fact]
    public void Parse_a_route_without_scope_or_resource_uses_the_main_user_token() =>
        Assert.Null(BffRouteMetadata.Parse(Route(("Bff.TokenType", "User")), []).UserToken);

    [Fact]
    public void Parse_scope_on_a_route_that_attaches_no_token_is_an_error()
    {
        var errors = new List<string>();
        BffRouteMetadata.Parse(Route(("Bff.TokenType", "None"), ("Bff.Scope", "api")), errors);
        Assert.Contains("None attaches none", Assert.Single(errors), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api")]
    [InlineData("api.example.com")]
    [InlineData("https://api.example.com/#frag")]
    [InlineData("https://api.example.com/ x")]
    public void Parse_a_resource_that_is_not_an_absolute_uri_is_an_error(string resource)
    {
        var errors = new List<string>();
        BffRouteMetadata.Parse(Route(("Bff.TokenType", "User"), ("Bff.Resource", resource)), errors);
        Assert.Contains("must be an absolute URI without a fragment", Assert.Single(errors), StringComparison.Ordinal);
    }
}
