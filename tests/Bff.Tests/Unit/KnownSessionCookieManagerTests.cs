using System.Security.Claims;
using OpenBff.Configuration;
using OpenBff.SessionCache;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;

namespace Bff.Tests.Unit;

/// <summary>
/// The session cookie is found in the Cookie header without ASP.NET Core's parse only when that
/// cannot change what is read: a plain, well-formed header naming the cookie once, with a value
/// already decrypted before. Everything else reads exactly as ASP.NET Core reads it.
/// </summary>
public sealed class KnownSessionCookieManagerTests
{
    private const string Name = "__Host-bff";
    private const string Value = "CfDJ8J0Vn2pCm2VLsXUK-LZ2-DpYII6An_wYKWGBm4Tx8xc11MA1iFdiKq4tqG";

    [Theory]
    [InlineData($"{Name}={Value}")]
    [InlineData($"a=1; {Name}={Value}; b=2")]
    [InlineData($"a=1;{Name}={Value};b=2")]
    [InlineData($"__HOST-BFF={Value}")] // ASP.NET Core matches names ignoring case
    [InlineData($"a!#$&'*+-.^_`|~9=x!#$&'()*+-./:<=>?@[]^_`{{|}}~; {Name}={Value}")] // every other token and cookie-octet character
    public void A_well_formed_header_naming_the_cookie_once_is_read_directly(string header)
    {
        Assert.True(KnownSessionCookieManager.TryFindSingleValue(header, Name, out var start, out var length));
        Assert.Equal(Value, header.Substring(start, length));
    }

    [Theory]
    [InlineData($"{Name}=first; {Name}=second")] // which one wins is ASP.NET Core's rule
    [InlineData($"{Name}=first; __host-BFF=second")]
    [InlineData($"{Name}=\"{Value}\"")] // quoted
    [InlineData($"{Name}=a%2Fb")] // escaped: ASP.NET Core unescapes
    [InlineData($"{Name}=chunks-2")] // chunked cookie
    [InlineData($"{Name}=")]
    [InlineData($"garbage; {Name}={Value}")] // a pair without '='
    [InlineData($"a b=1; {Name}={Value}")] // a name that is not a token
    [InlineData($"a=1 2; {Name}={Value}")] // a value with a space
    [InlineData($"a(b=1; {Name}={Value}")] // a separator in a name
    [InlineData($"{Name}={Value}{Value}{Value}\u00e9")] // a non-ASCII character after 186 good ones (the vectorised check's tail)
    [InlineData($"{Name}={Value}{Value}\u007f{Value}")] // DEL
    [InlineData($"{Name}={Value}{Value}\\{Value}")] // backslash
    [InlineData($"{Name}={Value}{Value}\t{Value}")] // a control character
    [InlineData("other=1")]
    [InlineData("")]
    public void Anything_else_is_left_to_ASP_NET_Core(string header)
    {
        Assert.False(KnownSessionCookieManager.TryFindSingleValue(header, Name, out _, out _));
    }

    [Fact]
    public void A_cookie_decrypted_before_is_returned_as_the_remembered_string()
    {
        var (manager, format) = NewManager();
        var remembered = string.Concat(Value.AsSpan(0, 10), Value.AsSpan(10)); // a string instance of its own
        Assert.NotNull(format.Unprotect(remembered));

        var read = manager.GetRequestCookie(Request($"a=1; {Name}={Value}"), Name);

        Assert.Same(remembered, read);
    }

    [Theory]
    [InlineData($"a=1; {Name}=not-decrypted-before")]
    [InlineData($"{Name}={Value}; {Name}=second")]
    public void A_cookie_not_remembered_or_an_unusual_header_reads_as_ASP_NET_Core_reads_it(string header)
    {
        var (manager, format) = NewManager();
        Assert.NotNull(format.Unprotect(Value));

        var read = manager.GetRequestCookie(Request(header), Name);

        Assert.Equal(new ChunkingCookieManager().GetRequestCookie(Request(header), Name), read);
    }

    /// <summary>
    /// The remembered value in the first of two headers: read directly it would be the remembered
    /// string; ASP.NET Core reads both headers and returns a string of its own.
    /// </summary>
    [Theory]
    [InlineData("other")]
    [InlineData(Value)]
    public void Two_Cookie_headers_are_left_to_ASP_NET_Core(string inSecondHeader)
    {
        var (manager, format) = NewManager();
        var remembered = string.Concat(Value.AsSpan(0, 10), Value.AsSpan(10));
        Assert.NotNull(format.Unprotect(remembered));
        var context = new DefaultHttpContext();
        context.Request.Headers.Cookie = new Microsoft.Extensions.Primitives.StringValues([$"{Name}={Value}", $"{Name}={inSecondHeader}"]);

        var read = manager.GetRequestCookie(context, Name);

        var expected = new DefaultHttpContext();
        expected.Request.Headers.Cookie = context.Request.Headers.Cookie;
        Assert.Equal(new ChunkingCookieManager().GetRequestCookie(expected, Name), read);
        Assert.NotSame(remembered, read);
    }

    private static (KnownSessionCookieManager, CachingCookieTicketFormat) NewManager()
    {
        var format = new CachingCookieTicketFormat(new AcceptingFormat(), TimeProvider.System);
        return (new KnownSessionCookieManager(new ChunkingCookieManager(), format), format);
    }

    private static DefaultHttpContext Request(string cookieHeader)
    {
        var context = new DefaultHttpContext();
        context.Request.Headers.Cookie = cookieHeader;
        return context;
    }

    /// <summary>Decrypts only <see cref="Value"/>, as data protection decrypts only its own cookies.</summary>
    private sealed class AcceptingFormat : ISecureDataFormat<AuthenticationTicket>
    {
        public string Protect(AuthenticationTicket data) => throw new NotSupportedException();

        public string Protect(AuthenticationTicket data, string? purpose) => throw new NotSupportedException();

        public AuthenticationTicket? Unprotect(string? protectedText) => Unprotect(protectedText, null);

        public AuthenticationTicket? Unprotect(string? protectedText, string? purpose) =>
            protectedText == Value ? new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity("test")), "bff-cookie") : null;
    }
}
