using System.Net;
using System.Security.Claims;
using Bff.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;

namespace Bff.Tests.Endpoints;

/// <summary>
/// The library used directly in an application's own host, as the README shows, but with ASP.NET
/// Core's <c>UseAuthentication()</c>, which the README says works in place of <c>UseBffAuthentication()</c>.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class LocalApiEndpointTests(IdpFixture env)
{
    private async Task<WebApplication> StartAppAsync()
    {
        var app = (await LibraryHost.CreateBuilderAsync(env)).Build();
        app.UseWebSockets();
        app.UseAuthentication();
        app.UseBff();
        app.UseAuthorization();
        app.MapBffManagementEndpoints();
        app.MapGet("/local/todos", (ClaimsPrincipal user) => new[] { new { owner = user.FindFirst("sub")?.Value, title = "write tests" } })
            .RequireAuthorization()
            .AsBffApiEndpoint();
        app.Map("/local/live", async context =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            await socket.SendAsync(System.Text.Encoding.UTF8.GetBytes(context.User.FindFirst("sub")?.Value ?? "anonymous"), System.Net.WebSockets.WebSocketMessageType.Text, true, context.RequestAborted);
            await socket.CloseOutputAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, context.RequestAborted);
        }).RequireAuthorization().AsBffApiEndpoint();
        await app.StartAsync();
        return app;
    }

    [Fact]
    public async Task Local_api_endpoint_serves_the_logged_in_user_with_the_csrf_header()
    {
        await using var app = await StartAppAsync();
        var url = app.BoundAddress();
        using var browser = new TestBrowser();
        await browser.LoginAsync(url);

        var response = await browser.ApiAsync($"{url}/local/todos");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Contains("write tests", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    [Trait("Category", "Adversarial")]
    public async Task A_local_websocket_endpoint_needs_the_bffs_origin_instead_of_the_csrf_header()
    {
        await using var app = await StartAppAsync();
        var url = app.BoundAddress();
        using var browser = new TestBrowser();
        await browser.LoginAsync(url);
        var sub = new UserClaims((await browser.ApiAsync($"{url}/bff/user")).Body).Value("sub");

        using var own = await browser.WebSocketAsync($"{url}/local/live", headers: ("Origin", url));
        using var foreign = await browser.WebSocketAsync($"{url}/local/live", headers: ("Origin", "http://localhost:1"));

        Assert.True(own.IsOpen, $"refused: {(int)own.Status}");
        Assert.Equal(sub, await own.ReceiveTextAsync());
        Assert.Equal((false, HttpStatusCode.Forbidden), (foreign.IsOpen, foreign.Status));
    }

    [Fact]
    public async Task Local_api_endpoint_without_the_csrf_header_is_401()
    {
        await using var app = await StartAppAsync();
        var url = app.BoundAddress();
        using var browser = new TestBrowser();
        await browser.LoginAsync(url);

        var response = await browser.GetAsync($"{url}/local/todos");

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.DoesNotContain("write tests", response.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Local_api_endpoint_when_anonymous_is_401_never_a_redirect()
    {
        await using var app = await StartAppAsync();
        using var browser = new TestBrowser();

        var response = await browser.ApiAsync($"{app.BoundAddress()}/local/todos");

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Null(response.Location);
    }
}
