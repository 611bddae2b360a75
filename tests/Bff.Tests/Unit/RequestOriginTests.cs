using Microsoft.AspNetCore.Http;
using OpenBff.AntiForgery;

namespace Bff.Tests.Unit;

/// <summary>
/// <see cref="RequestOrigin"/>: an <c>Origin</c> is the BFF's own when scheme, host (ignoring
/// case) and port (the scheme's default filled in) are the request's; one of
/// <c>Bff:AllowedOrigins</c> the same way; anything else, malformed or <c>null</c>, is foreign.
/// </summary>
public sealed class RequestOriginTests
{
    private static RequestOrigin.Kind Classify(string scheme, string host, string origin, params string[] allowed)
    {
        var context = new DefaultHttpContext();
        context.Request.Scheme = scheme;
        context.Request.Host = new HostString(host);
        var options = new BffOptions();
        foreach (var entry in allowed)
        {
            options.AllowedOrigins.Add(entry);
        }

        return RequestOrigin.Classify(context.Request, options, origin);
    }

    [Theory]
    [InlineData("http", "127.0.0.1:5000", "http://127.0.0.1:5000")]
    [InlineData("https", "app.example.com", "https://app.example.com")]
    [InlineData("https", "app.example.com", "https://APP.Example.com")]
    [InlineData("https", "App.Example.COM", "https://app.example.com")]
    [InlineData("https", "app.example.com:443", "https://app.example.com")]
    [InlineData("https", "app.example.com", "https://app.example.com:443")]
    [InlineData("http", "localhost:80", "http://localhost")]
    [InlineData("HTTP", "localhost", "http://localhost:80")]
    [InlineData("http", "[::1]:5000", "http://[::1]:5000")]
    [InlineData("https", "[::1]", "https://[::1]:443")]
    public void Classify_the_requests_own_origin_is_own(string scheme, string host, string origin) =>
        Assert.Equal(RequestOrigin.Kind.Own, Classify(scheme, host, origin));

    [Theory]
    [InlineData("http", "127.0.0.1:5000", "http://127.0.0.1:5001")] // another port: same site, another origin
    [InlineData("http", "127.0.0.1:5000", "http://127.0.0.1")]
    [InlineData("http", "127.0.0.1:5000", "https://127.0.0.1:5000")]
    [InlineData("https", "app.example.com", "http://app.example.com")]
    [InlineData("https", "app.example.com", "https://api.example.com")]
    [InlineData("https", "app.example.com", "https://app.example.com.evil.example")]
    [InlineData("https", "app.example.com", "https://app.example.com:444")]
    [InlineData("https", "app.example.com", "null")]
    [InlineData("https", "app.example.com", "")]
    [InlineData("https", "app.example.com", "app.example.com")]
    [InlineData("https", "app.example.com", "https://app.example.com/")]
    [InlineData("https", "app.example.com", "https://app.example.com/path")]
    [InlineData("https", "app.example.com", "https://user@app.example.com")]
    [InlineData("https", "app.example.com", "https://app.example.com?x")]
    [InlineData("https", "app.example.com", "https://app.example.com:")]
    [InlineData("https", "app.example.com", "https://app.example.com:0443x")]
    [InlineData("https", "app.example.com", "https://app.example.com:99999")]
    [InlineData("https", "app.example.com", "https://app.example.com:443:443")]
    [InlineData("https", "app.example.com", "https://")]
    [InlineData("https", "app.example.com", "ftp://app.example.com")]
    [InlineData("http", "[::1]:5000", "http://[::1]5000")]
    [InlineData("http", "[::1]:5000", "http://[::1:5000")]
    public void Classify_anything_else_is_foreign(string scheme, string host, string origin) =>
        Assert.Equal(RequestOrigin.Kind.Foreign, Classify(scheme, host, origin));

    [Theory]
    [InlineData("https://spa.example.com")]
    [InlineData("https://SPA.example.com:443")]
    [InlineData("http://localhost:5173")]
    public void Classify_an_allowed_origin_is_allowed(string origin) =>
        Assert.Equal(RequestOrigin.Kind.Allowed, Classify("https", "app.example.com", origin, "https://spa.example.com", "http://localhost:5173"));

    [Theory]
    [InlineData("https://spa.example.com:8443")]
    [InlineData("http://spa.example.com")]
    [InlineData("http://localhost:5174")]
    public void Classify_an_allowed_origins_neighbours_are_foreign(string origin) =>
        Assert.Equal(RequestOrigin.Kind.Foreign, Classify("https", "app.example.com", origin, "https://spa.example.com", "http://localhost:5173"));
}
