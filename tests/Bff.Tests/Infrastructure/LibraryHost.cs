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
    /// <param name="settings">Changes to the configuration (<c>Bff:*</c> keys).</param>
    /// <param name="origin">The origin whose redirect URIs the test IdP accepts for this client.</param>
    public static async Task<WebApplicationBuilder> CreateBuilderAsync(IdpFixture env, Action<IServiceCollection>? before = null, bool serverSideSessions = true, Action<Dictionary<string, string?>>? settings = null, string origin = "http://127.0.0.1")
    {
        var (clientId, secret) = await env.Idp.RegisterClientAsync(origin);
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var configuration = TestBff.DefaultSettings(env.Idp.Url, env.Api.Url, env.NewFolder());
        configuration["Bff:Oidc:ClientId"] = clientId;
        configuration["Bff:Oidc:ClientSecret"] = secret;
        settings?.Invoke(configuration);
        builder.Configuration.AddInMemoryCollection(configuration);
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
