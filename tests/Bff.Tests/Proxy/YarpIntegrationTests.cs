using System.Net;
using System.Text.Json;
using Bff.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Bff.Tests.Proxy;

/// <summary>
/// The YARP integration comes with <c>AddBff()</c>: an app that adds YARP and maps its routes gets
/// each route's <c>Bff.*</c> metadata applied without another call (<c>AddRemoteApis()</c> is for
/// <c>MapRemoteBffApiEndpoint</c>). Before, <c>UseBff()</c> checked <c>X-CSRF: 1</c> on such a
/// route but the request reached the API without the user's token.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class YarpIntegrationTests(IdpFixture env)
{
    [Fact]
    public async Task A_route_marked_user_gets_the_users_token_with_AddBff_alone()
    {
        var builder = await LibraryHost.CreateBuilderAsync(env);
        builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));

        await using var app = await LibraryHost.StartAsync(builder, a => a.MapReverseProxy());

        await AssertTheApiGetsTheUsersTokenAsync(app.Urls.Single());
    }

    [Fact]
    public async Task Route_metadata_is_validated_at_load_with_AddBff_alone()
    {
        var builder = await LibraryHost.CreateBuilderAsync(env, settings: s => s["ReverseProxy:Routes:user:Metadata:Bff.TokenType"] = "Usr");
        builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));

        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await (await LibraryHost.StartAsync(builder, a => a.MapReverseProxy())).DisposeAsync());

        Assert.Contains("Usr", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Duendes_AddBffExtensions_is_accepted_and_adds_the_integration_once()
    {
        var builder = await LibraryHost.CreateBuilderAsync(env);
        builder.Services.AddReverseProxy().AddBffExtensions().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));

        await using var app = await LibraryHost.StartAsync(builder, a => a.MapReverseProxy());

        await AssertTheApiGetsTheUsersTokenAsync(app.Urls.Single());
        Assert.Single(app.Services.GetServices<Yarp.ReverseProxy.Transforms.Builder.ITransformProvider>(), p => p.GetType().Name == "BffTransformProvider");
    }

    /// <summary>Logs in, calls the proxied <c>/api/hello</c> and checks that the API saw the user's token (its <c>sub</c>).</summary>
    private static async Task AssertTheApiGetsTheUsersTokenAsync(string url)
    {
        using var browser = new TestBrowser();
        await browser.LoginAsync(url);

        var hello = await browser.ApiAsync($"{url}/api/hello");

        Assert.Equal(HttpStatusCode.OK, hello.Status);
        Assert.Equal(new UserClaims((await browser.ApiAsync($"{url}/bff/user")).Body).Value("sub"), JsonDocument.Parse(hello.Body).RootElement.GetProperty("sub").GetString());
    }
}
