using System.Net;
using Bff.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bff.Tests.Security;

/// <summary>
/// A host's own <see cref="IReturnUrlValidator"/> (Duende.BFF's most-asked extension): an SPA on
/// another origin is sent back to after login and logout, while the BFF's own floor (no
/// whitespace, no control characters, bounded length) holds whatever the validator says.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class ReturnUrlValidatorTests(IdpFixture env)
{
    private static void SpaOrigin(IServiceCollection services) => services.AddSingleton<IReturnUrlValidator, SpaOriginValidator>();

    [Fact]
    public async Task A_custom_validator_sends_the_user_back_to_the_spas_origin_after_login()
    {
        await using var bff = await env.StartBffAsync(services: SpaOrigin);
        using var browser = new TestBrowser();

        var callback = await browser.LoginAsync(bff.Url, returnUrl: "https://spa.example.com/welcome");

        Assert.Equal(HttpStatusCode.Redirect, callback.Status);
        Assert.Equal("https://spa.example.com/welcome", callback.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
    }

    [Fact]
    public async Task A_custom_validator_accepts_the_spas_origin_on_logout_and_still_refuses_lookalikes()
    {
        await using var bff = await env.StartBffAsync(services: SpaOrigin);
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var logoutUrl = new UserClaims((await browser.ApiAsync($"{bff.Url}/bff/user")).Body).LogoutUrl;

        var lookalike = await browser.GetAsync($"{bff.Url}{logoutUrl}&returnUrl={Uri.EscapeDataString("https://spa.example.com.evil.example/")}");
        var logout = await browser.GetAsync($"{bff.Url}{logoutUrl}&returnUrl={Uri.EscapeDataString("https://spa.example.com/bye")}");

        Assert.Equal(HttpStatusCode.BadRequest, lookalike.Status);
        Assert.Equal(HttpStatusCode.Redirect, logout.Status); // to the provider's end-session endpoint
        var back = await browser.FollowAsync(logout, r => r.Location?.Host == "spa.example.com");
        Assert.Equal("https://spa.example.com/bye", back.Location!.OriginalString);
    }

    [Theory]
    [InlineData("https://spa.example.com/\r\nSet-Cookie: a=b")]
    [InlineData("https://spa.example.com/\tx")]
    [InlineData("https://spa.example.com/ x")]
    [InlineData("https://spa.example.com/\u200Bx")]
    public async Task Even_a_validator_that_accepts_everything_cannot_let_whitespace_or_control_characters_through(string returnUrl)
    {
        await using var bff = await env.StartBffAsync(services: s => s.AddSingleton<IReturnUrlValidator, AcceptEverything>());
        using var browser = new TestBrowser();

        var login = await browser.GetAsync($"{bff.Url}/bff/login?returnUrl={Uri.EscapeDataString(returnUrl)}");
        var tooLong = await browser.GetAsync($"{bff.Url}/bff/login?returnUrl=/{new string('a', 2048)}");

        Assert.Equal(HttpStatusCode.BadRequest, login.Status);
        Assert.Null(login.Location);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.Status);
    }

    /// <summary>Local paths (the base) plus one HTTPS origin, compared as a parsed origin, never as a string prefix.</summary>
    private sealed class SpaOriginValidator : LocalReturnUrlValidator
    {
        public override async Task<bool> IsValidAsync(string returnUrl) =>
            await base.IsValidAsync(returnUrl)
            || (Uri.TryCreate(returnUrl, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && uri.IsDefaultPort && uri.Host == "spa.example.com" && string.IsNullOrEmpty(uri.UserInfo));
    }

    private sealed class AcceptEverything : IReturnUrlValidator
    {
        public Task<bool> IsValidAsync(string returnUrl) => Task.FromResult(true);
    }
}
