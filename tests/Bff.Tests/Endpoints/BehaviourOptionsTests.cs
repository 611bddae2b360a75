using System.Net;
using System.Text.Json;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Endpoints;

/// <summary>
/// Behaviour that Duende.BFF lets a host choose, with the same option names: the anonymous
/// <c>/bff/user</c> answer, the logout's <c>sid</c> requirement and refresh-token revocation;
/// and every 400 naming the parameter at fault.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class BehaviourOptionsTests(IdpFixture env)
{
    [Fact]
    public async Task Anonymous_user_endpoint_answers_200_with_null_when_asked()
    {
        await using var bff = await env.StartBffAsync(s => s["Bff:AnonymousSessionResponse"] = "Response200");
        using var browser = new TestBrowser();

        var user = await browser.ApiAsync($"{bff.Url}/bff/user");

        Assert.Equal(HttpStatusCode.OK, user.Status);
        Assert.Equal("null", user.Body);
        Assert.StartsWith("application/json", user.Header("Content-Type"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Anonymous_user_endpoint_answers_401_by_default()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
    }

    [Fact]
    public async Task Logout_without_sid_ends_the_session_only_when_the_requirement_is_off()
    {
        await using var strict = await env.StartBffAsync();
        await using var lenient = await env.StartBffAsync(s => s["Bff:RequireLogoutSessionId"] = "false");
        using var one = new TestBrowser();
        using var two = new TestBrowser();
        await one.LoginAsync(strict.Url);
        await two.LoginAsync(lenient.Url);

        var refused = await one.GetAsync($"{strict.Url}/bff/logout");
        var allowed = await two.GetAsync($"{lenient.Url}/bff/logout");

        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.Equal(HttpStatusCode.OK, (await one.ApiAsync($"{strict.Url}/bff/user")).Status);
        Assert.Equal(HttpStatusCode.Redirect, allowed.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await two.ApiAsync($"{lenient.Url}/bff/user")).Status);
    }

    [Fact]
    public async Task Logout_leaves_the_refresh_token_unrevoked_only_when_revocation_is_off()
    {
        await using var bff = await env.StartBffAsync(s => s["Bff:RevokeRefreshTokenOnLogout"] = "false");
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var logoutUrl = new UserClaims((await browser.ApiAsync($"{bff.Url}/bff/user")).Body).LogoutUrl;

        Assert.Equal(HttpStatusCode.Redirect, (await browser.GetAsync($"{bff.Url}{logoutUrl}")).Status);

        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
        Assert.DoesNotContain(env.Idp.Recorder.To("/connect/revoke"), r => r.Field("client_id") == bff.ClientId);
    }

    [Theory]
    [InlineData("/bff/login?prompt=bogus", "prompt")]
    [InlineData("/bff/login?returnUrl=https%3A%2F%2Fevil.example", "returnUrl")]
    [InlineData("/bff/logout?sid=not-yours", "sid")]
    public async Task Every_400_is_a_problem_naming_the_parameter_at_fault(string path, string parameter)
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);

        var response = await browser.GetAsync($"{bff.Url}{path}");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("application/problem+json", response.Header("Content-Type"));
        using var problem = JsonDocument.Parse(response.Body);
        var errors = problem.RootElement.GetProperty("errors").GetProperty(parameter);
        Assert.Equal(problem.RootElement.GetProperty("detail").GetString(), errors[0].GetString());
    }
}
