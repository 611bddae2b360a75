using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bff.E2E;

/// <summary>
/// A blank HTML page at every path, served on a free loopback port: a page of another origin for
/// the browser. It has to be a real server on loopback: Chromium's Local Network Access checks let
/// only pages loaded from a loopback address reach loopback (a page Playwright fulfils counts as public).
/// </summary>
public sealed class PageServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PageServer(WebApplication app, int port)
    {
        _app = app;
        Url = $"http://localhost:{port}";
        IpUrl = $"http://127.0.0.1:{port}";
    }

    /// <summary>The origin with <c>localhost</c> as the host: the same site as the demo's apps, another origin.</summary>
    public string Url { get; }

    /// <summary>The origin with <c>127.0.0.1</c> as the host: another site than the demo's apps.</summary>
    public string IpUrl { get; }

    public static async Task<PageServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(context =>
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            return context.Response.WriteAsync("<!doctype html><title>another origin</title><p>another origin</p>");
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new PageServer(app, new Uri(address).Port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
