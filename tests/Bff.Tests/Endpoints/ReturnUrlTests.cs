using Bff.Endpoints;

namespace Bff.Tests.Endpoints;

public sealed class ReturnUrlTests
{
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
}
