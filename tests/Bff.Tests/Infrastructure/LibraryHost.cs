using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bff.Tests.Infrastructure;

/// <summary>
/// An application's own host using the library as the README shows (not Bff.Host): the BFF's
/// services against the test IdP and API, on a free loopback port; the caller builds the pipeline.
/// </summary>
public static class LibraryHost
{
    /// <param name="env">The test IdP and API.</param>
    /// <param name="before">The host's own services, registered before <c>AddBff()</c> (e.g. data protection it already used).</param>
    /// <param name="serverSideSessions">Whether to call <c>AddServerSideSessions()</c> too (the README shows it; <c>AddBff()</c> alone must do).</param>
    public static async Task<WebApplicationBuilder> CreateBuilderAsync(IdpFixture env, Action<IServiceCollection>? before = null, bool serverSideSessions = true)
    {
        var (clientId, secret) = await env.Idp.RegisterClientAsync("http://127.0.0.1");
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var settings = TestBff.DefaultSettings(env.Idp.Url, env.Api.Url, env.NewFolder());
        settings["Bff:Oidc:ClientId"] = clientId;
        settings["Bff:Oidc:ClientSecret"] = secret;
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddOptions<BffOptions>().BindConfiguration("Bff");
        before?.Invoke(builder.Services);
        var bff = builder.Services.AddBff();
        if (serverSideSessions)
        {
            bff.AddServerSideSessions();
        }

        return builder;
    }

    /// <summary>Builds and starts the host with the README's pipeline; <paramref name="map"/> maps the host's own endpoints.</summary>
    public static async Task<WebApplication> StartAsync(WebApplicationBuilder builder, Action<WebApplication>? map = null)
    {
        var app = builder.Build();
        app.UseBffAuthentication();
        app.UseBff();
        app.UseAuthorization();
        app.MapBffManagementEndpoints();
        map?.Invoke(app);
        await app.StartAsync();
        return app;
    }
}
