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
    public static async Task<WebApplicationBuilder> CreateBuilderAsync(IdpFixture env)
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
        builder.Services.AddBff().AddServerSideSessions();
        return builder;
    }
}
