using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using OpenBff.AntiForgery;

namespace Bff.Tests.Unit;

/// <summary>
/// <see cref="UpgradeOrigin"/>: an upgrade needs an <c>Origin</c> that is the BFF's own or an
/// allowed one, and a <c>Sec-Fetch-Site</c>, when sent, that agrees with it (<c>same-origin</c>
/// for its own; <c>same-origin</c> or <c>same-site</c> for an allowed one).
/// </summary>
public sealed class UpgradeOriginTests
{
    private const string Own = "https://app.example.com";
    private const string Allowed = "https://spa.example.com";

    private static string? Refusal(params (string Name, string Value)[] headers)
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = "https";
        context.Request.Host = new HostString("app.example.com");
        foreach (var header in headers.GroupBy(h => h.Name))
        {
            context.Request.Headers[header.Key] = new StringValues(header.Select(h => h.Value).ToArray()); // an empty value stays a value
        }

        var options = new BffOptions();
        options.AllowedOrigins.Add(Allowed);
        return UpgradeOrigin.Refusal(context.Request, options);
    }

    [Theory]
    [InlineData(Own, null)]
    [InlineData(Own, "same-origin")]
    [InlineData(Own, "Same-Origin")]
    [InlineData(Allowed, null)]
    [InlineData(Allowed, "same-site")]
    [InlineData(Allowed, "same-origin")]
    public void Refusal_none_for_an_agreeing_origin(string origin, string? site) =>
        Assert.Null(site is null ? Refusal(("Origin", origin)) : Refusal(("Origin", origin), ("Sec-Fetch-Site", site)));

    [Theory]
    [InlineData(Own, "same-site")]
    [InlineData(Own, "cross-site")]
    [InlineData(Own, "none")]
    [InlineData(Own, "")]
    [InlineData(Allowed, "cross-site")]
    [InlineData(Allowed, "none")]
    public void Refusal_when_sec_fetch_site_disagrees(string origin, string site) =>
        Assert.Equal("Sec-Fetch-Site does not agree with the Origin", Refusal(("Origin", origin), ("Sec-Fetch-Site", site)));

    [Fact]
    public void Refusal_when_sec_fetch_site_is_sent_twice() =>
        Assert.NotNull(Refusal(("Origin", Own), ("Sec-Fetch-Site", "same-origin"), ("Sec-Fetch-Site", "same-origin")));

    [Fact]
    public void Refusal_without_an_origin() => Assert.Equal("no Origin header", Refusal());

    [Fact]
    public void Refusal_with_two_origins() => Assert.Equal("more than one Origin header", Refusal(("Origin", Own), ("Origin", Own)));

    [Theory]
    [InlineData("null")]
    [InlineData("NULL")]
    [InlineData("")]
    public void Refusal_with_an_opaque_origin(string origin) => Assert.Equal("an opaque (null) Origin", Refusal(("Origin", origin)));

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("http://app.example.com")]
    [InlineData("https://app.example.com:8443")]
    public void Refusal_with_a_foreign_origin(string origin) =>
        Assert.Equal("the Origin is neither the BFF's own nor one of Bff:AllowedOrigins", Refusal(("Origin", origin), ("Sec-Fetch-Site", "same-origin")));
}
