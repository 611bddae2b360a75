using OpenBff.Tokens;

namespace Bff.Tests.Unit;

/// <summary>
/// <see cref="TokenValueCache"/>: the <c>Authorization</c> header value and the parsed expiry of a
/// token string, computed once per string instance; a token no header value may hold is refused.
/// </summary>
public sealed class TokenValueCacheTests
{
    [Fact]
    public void A_token_becomes_a_bearer_header_value()
    {
        Assert.Equal("Bearer eyJ.abc-_~.x", TokenValueCache.BearerHeaderValue("eyJ.abc-_~.x"));
    }

    [Fact]
    public void The_same_token_string_gets_the_same_header_string_each_time()
    {
        var token = NewString("opaque-token");

        Assert.Same(TokenValueCache.BearerHeaderValue(token), TokenValueCache.BearerHeaderValue(token));
    }

    [Theory]
    [InlineData("")]
    [InlineData("with space")]
    [InlineData("line\r\nInjected: 1")]
    [InlineData("tab\t")]
    [InlineData("caf\u00E9")]
    [InlineData("\u007F")]
    public void A_token_no_header_value_may_hold_has_no_header(string token)
    {
        Assert.Null(TokenValueCache.BearerHeaderValue(NewString(token)));
    }

    [Fact]
    public void Expires_at_in_round_trip_format_parses_to_that_instant()
    {
        var expires = TokenValueCache.ParseExpiresAt("2026-11-30T08:05:00.0000000+00:00");

        Assert.Equal(new DateTimeOffset(2026, 11, 30, 8, 5, 0, TimeSpan.Zero), expires);
    }

    [Theory]
    [InlineData("")]
    [InlineData("tomorrow")]
    [InlineData("2026-13-40T99:00:00Z")]
    public void Expires_at_that_does_not_parse_is_null_each_time(string value)
    {
        var text = NewString(value);

        Assert.Null(TokenValueCache.ParseExpiresAt(text));
        Assert.Null(TokenValueCache.ParseExpiresAt(text));
    }

    /// <summary>A string instance of its own, never an interned literal another test also uses.</summary>
    private static string NewString(string value) => new(value.AsSpan());
}
