using OpenBff.Endpoints;
using Microsoft.Extensions.Primitives;

namespace Bff.Tests.Unit;

/// <summary>
/// <see cref="ReturnUrl"/> and the default <see cref="LocalReturnUrlValidator"/>: local paths only,
/// whatever is hidden behind percent-encoding; whatever a host's validator says, nothing that
/// could split or be stripped from a <c>Location</c> header; non-ASCII sent as UTF-8 escapes.
/// </summary>
public sealed class ReturnUrlTests
{
    public static TheoryData<string> LocalPaths => ["/", "/orders", "/orders/42?tab=items#top", "/a%20b", "/caf%C3%A9"];

    public static TheoryData<string> NotLocal =>
    [
        "", "https://evil.example", "//evil.example", "/\\evil.example", "/%2F%2Fevil.example", "/%252F%252Fevil.example",
        "/\t/evil.example", "/%09/evil.example", "/%0d%0aSet-Cookie:x=1", "/\u200B/evil.example", "javascript:alert(1)", "evil.example",
    ];

    [Theory]
    [InlineData("/")]
    [InlineData("/orders")]
    [InlineData("/orders/42?tab=items#top")]
    [InlineData("/a%20b")]
    [InlineData("/caf%C3%A9")]
    public void IsLocal_local_paths_are_accepted(string url) => Assert.True(ReturnUrl.IsLocal(url));

    [Theory]
    [InlineData("")]
    [InlineData("https://evil.example")]
    [InlineData("http://evil.example/")]
    [InlineData("//evil.example")]
    [InlineData("///evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("\\\\evil.example")]
    [InlineData("/\\/evil.example")]
    [InlineData("javascript:alert(1)")]
    [InlineData("evil.example")]
    [InlineData("/%2F%2Fevil.example")]
    [InlineData("%2F%2Fevil.example")]
    [InlineData("/%5Cevil.example")]
    [InlineData("/%252F%252Fevil.example")]
    [InlineData("/%25252F%25252Fevil.example")]
    [InlineData("/\t/evil.example")]
    [InlineData("/\n/evil.example")]
    [InlineData("/%09/evil.example")]
    [InlineData("/%0d%0aSet-Cookie:x=1")]
    [InlineData("/ /evil.example")]
    [InlineData("/\u200B/evil.example")]
    [InlineData("https:evil.example")]
    [InlineData("~/x")]
    public void IsLocal_anything_that_could_leave_the_site_is_refused(string url) => Assert.False(ReturnUrl.IsLocal(url));

    [Fact]
    public void IsLocal_very_long_paths_are_refused() => Assert.False(ReturnUrl.IsLocal("/" + new string('a', 5000)));

    [Theory]
    [MemberData(nameof(LocalPaths))]
    public async Task The_default_validator_accepts_local_paths(string url) =>
        Assert.True(await new LocalReturnUrlValidator().IsValidAsync(url));

    [Theory]
    [MemberData(nameof(NotLocal))]
    public async Task The_default_validator_refuses_what_is_not_a_local_path(string url) =>
        Assert.False(await new LocalReturnUrlValidator().IsValidAsync(url));

    [Theory]
    [InlineData("/orders")]
    [InlineData("https://spa.example.com/welcome")] // not local, but a host's validator may accept it
    public void IsRedirectable_a_url_a_location_header_can_carry(string url) => Assert.True(ReturnUrl.IsRedirectable(url));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("https://spa.example.com/\r\nSet-Cookie: a=b")]
    [InlineData("https://spa.example.com/ x")]
    [InlineData("https://spa.example.com/\tx")]
    [InlineData("https://spa.example.com/\u200Bx")]
    [InlineData("https://spa.example.com/\uFEFFx")]
    [InlineData("https://spa.example.com/\u00ADx")]
    [InlineData("/\u0001")]
    public void IsRedirectable_never_whitespace_control_or_invisible_characters(string? url) => Assert.False(ReturnUrl.IsRedirectable(url));

    [Fact]
    public void IsRedirectable_up_to_2048_characters()
    {
        Assert.True(ReturnUrl.IsRedirectable("/" + new string('a', 2047)));
        Assert.False(ReturnUrl.IsRedirectable("/" + new string('a', 2048)));
    }

    [Fact]
    public async Task IsAccepted_no_return_url_is_accepted_without_asking_the_validator()
    {
        var validator = new Answering(false);

        Assert.True(await ReturnUrl.IsAcceptedAsync(StringValues.Empty, validator));
        Assert.Equal(0, validator.Asked);
    }

    [Fact]
    public async Task IsAccepted_one_value_is_what_the_validator_says()
    {
        Assert.True(await ReturnUrl.IsAcceptedAsync("/orders", new Answering(true)));
        Assert.False(await ReturnUrl.IsAcceptedAsync("/orders", new Answering(false)));
    }

    [Fact]
    public async Task IsAccepted_two_values_are_refused_even_if_the_validator_accepts_both()
    {
        Assert.False(await ReturnUrl.IsAcceptedAsync(new StringValues(["/a", "/b"]), new Answering(true)));
    }

    [Fact]
    public async Task IsAccepted_a_validator_accepting_everything_cannot_let_a_header_splitting_value_through()
    {
        var validator = new Answering(true);

        Assert.False(await ReturnUrl.IsAcceptedAsync("/a\r\nSet-Cookie: x=1", validator));
        Assert.Equal(0, validator.Asked);
    }

    [Theory]
    [InlineData("/orders?id=1", "/orders?id=1")]
    [InlineData("/caf\u00E9", "/caf%C3%A9")]
    [InlineData("/\u20AC", "/%E2%82%AC")]
    [InlineData("/\U0001F600", "/%F0%9F%98%80")] // outside the BMP: one 4-byte UTF-8 sequence, not two surrogates
    public void ForLocation_escapes_non_ASCII_as_UTF8_and_leaves_ASCII_alone(string url, string expected) =>
        Assert.Equal(expected, ReturnUrl.ForLocation(url));

    [Fact]
    public void ForLocation_returns_an_ASCII_url_as_the_same_string()
    {
        var url = new string("/orders".AsSpan());

        Assert.Same(url, ReturnUrl.ForLocation(url));
    }

    private sealed class Answering(bool answer) : IReturnUrlValidator
    {
        public int Asked { get; private set; }

        public Task<bool> IsValidAsync(string returnUrl)
        {
            Asked++;
            return Task.FromResult(answer);
        }
    }
}
