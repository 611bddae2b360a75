using System.Net;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Endpoints;

[Collection(IntegrationCollection.Name)]
public sealed class UserEndpointTests(IdpFixture env)
{
    [Fact]
    public async Task User_returns_the_claims_with_logout_url_and_session_expiry()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url, "alice", "alice");

        var response = await browser.ApiAsync($"{bff.Url}/bff/user");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.StartsWith("application/json", response.Header("Content-Type"), StringComparison.Ordinal);
        var claims = new UserClaims(response.Body);
        Assert.False(string.IsNullOrEmpty(claims.Value("sub")));
        Assert.Equal("Alice Smith", claims.Value("name"));
        Assert.StartsWith("/bff/logout?sid=", claims.LogoutUrl, StringComparison.Ordinal);
        Assert.Equal(System.Text.Json.JsonValueKind.Number, claims.Raw("bff:session_expires_in").ValueKind);
        Assert.InRange(claims.ExpiresIn, 8 * 3600 - 5, 8 * 3600);
    }

    [Fact]
    [Trait("Category", "Adversarial")]
    public async Task User_returns_the_users_claims_not_protocol_claims_or_provider_internal_ids()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url, "alice", "alice");

        using var json = System.Text.Json.JsonDocument.Parse((await browser.ApiAsync($"{bff.Url}/bff/user")).Body);
        var types = json.RootElement.EnumerateArray().Select(c => c.GetProperty("type").GetString()!).ToList();

        Assert.DoesNotContain(types, t => t.StartsWith("oi_", StringComparison.Ordinal)); // OpenIddict's internal ids
        foreach (var protocol in new[] { "nonce", "at_hash", "c_hash", "s_hash", "aud", "azp", "iss", "iat", "nbf", "exp" })
        {
            Assert.DoesNotContain(protocol, types);
        }

        Assert.Contains("sub", types);
        Assert.Contains("sid", types);
        Assert.Contains("name", types);
    }

    [Fact]
    public async Task User_is_never_cached()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);

        Assert.Equal("no-store", (await browser.ApiAsync($"{bff.Url}/bff/user")).Header("Cache-Control"));
        Assert.Equal("no-store", (await browser.GetAsync($"{bff.Url}/bff/user")).Header("Cache-Control"));
    }

    [Fact]
    public async Task User_when_anonymous_is_401_and_never_a_redirect()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();

        var response = await browser.ApiAsync($"{bff.Url}/bff/user");

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Null(response.Location);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("0")]
    [InlineData("true")]
    [InlineData("")]
    public async Task User_without_the_anti_forgery_header_is_401(string? headerValue)
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);

        var response = headerValue is null
            ? await browser.GetAsync($"{bff.Url}/bff/user")
            : await browser.GetAsync($"{bff.Url}/bff/user", ("X-CSRF", headerValue));

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.DoesNotContain("sub", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task User_slides_the_session_unless_slide_is_false()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);

        bff.Time.Advance(TimeSpan.FromHours(5)); // past half of the 8 hour idle timeout
        var notSlid = new UserClaims((await browser.ApiAsync($"{bff.Url}/bff/user?slide=false")).Body);
        Assert.InRange(notSlid.ExpiresIn, 3 * 3600 - 5, 3 * 3600);

        var slid = new UserClaims((await browser.ApiAsync($"{bff.Url}/bff/user")).Body);
        Assert.InRange(slid.ExpiresIn, 8 * 3600 - 5, 8 * 3600);

        bff.Time.Advance(TimeSpan.FromHours(4)); // beyond the original expiry, within the slid one
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/bff/user?slide=false")).Status);
    }

    [Fact]
    public async Task User_after_the_idle_timeout_is_401()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);

        bff.Time.Advance(TimeSpan.FromHours(8) + TimeSpan.FromSeconds(1));

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
    }

    [Fact]
    public async Task User_after_the_absolute_timeout_is_401_however_active()
    {
        await using var bff = await env.StartBffAsync(s =>
        {
            s["Bff:Session:IdleTimeout"] = "01:00:00";
            s["Bff:Session:AbsoluteTimeout"] = "02:00:00";
        });
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);

        for (var i = 0; i < 3; i++) // each call slides the idle timeout
        {
            bff.Time.Advance(TimeSpan.FromMinutes(35));
            Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
        }

        bff.Time.Advance(TimeSpan.FromMinutes(35)); // 2h20 after login, 35 minutes after the last call
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("CfDJ8truncated")]
    [InlineData("")]
    public async Task User_with_a_forged_session_cookie_is_401_never_500(string value)
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();

        var response = await browser.GetAsync($"{bff.Url}/bff/user", ("X-CSRF", "1"), ("Cookie", $"__Host-bff={value}"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
    }

    [Fact]
    public async Task User_with_a_tampered_or_truncated_session_cookie_is_401_never_500()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var cookie = browser.CookieValue(bff.Url, "__Host-bff")!;
        var flipped = cookie[..10] + (cookie[10] == 'A' ? 'B' : 'A') + cookie[11..];

        foreach (var forged in new[] { flipped, cookie[..(cookie.Length / 2)], cookie + "x", new string('A', 3000) })
        {
            using var attacker = new TestBrowser();
            var response = await attacker.GetAsync($"{bff.Url}/bff/user", ("X-CSRF", "1"), ("Cookie", $"__Host-bff={forged}"));
            Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        }
    }

    [Fact]
    public async Task User_with_a_cookie_from_another_deployment_is_401()
    {
        await using var other = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(other.Url);
        var foreignCookie = browser.CookieValue(other.Url, "__Host-bff")!;
        await using var bff = await env.StartBffAsync(); // its own data-protection keys

        var response = await browser.GetAsync($"{bff.Url}/bff/user", ("X-CSRF", "1"), ("Cookie", $"__Host-bff={foreignCookie}"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
    }
}
