using System.Net;
using Bff.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bff.Tests.Proxy;

/// <summary>
/// Issue 18, item 4, for server-sent events: a proxied <c>text/event-stream</c> response stays open
/// as long as a WebSocket, and ends with its session too. The upstream here streams one event and
/// then holds the response open until its client goes.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class EventStreamSessionEndTests(IdpFixture env)
{
    private static async Task<WebApplication> StartEventStreamApiAsync()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/events", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/event-stream";
            await context.Response.WriteAsync("data: hello\n\n", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                // the client (the BFF) went
            }
        });
        await app.StartAsync();
        return app;
    }

    private static async Task<(HttpClient Client, Stream Stream)> OpenStreamAsync(TestBrowser browser, string url)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Add("Accept", "text/event-stream");
        request.Headers.Add("Cookie", browser.Cookies.GetCookieHeader(new Uri(url)));
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var stream = await response.Content.ReadAsStreamAsync();
        var reader = new StreamReader(stream);
        Assert.Equal("data: hello", await reader.ReadLineAsync());
        return (client, stream);
    }

    /// <summary>True when the stream ends (or breaks) within <paramref name="within"/>.</summary>
    private static async Task<bool> EndsAsync(Stream stream, TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        var buffer = new byte[256];
        try
        {
            while (await stream.ReadAsync(buffer, timeout.Token) > 0)
            {
            }

            return true;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return false;
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return true;
        }
    }

    [Fact]
    public async Task Logout_ends_the_sessions_event_stream()
    {
        await using var api = await StartEventStreamApiAsync();
        await using var bff = await env.StartBffAsync(s =>
        {
            s["ReverseProxy:Clusters:events:Destinations:d1:Address"] = api.BoundAddress();
            s["ReverseProxy:Routes:events:ClusterId"] = "events";
            s["ReverseProxy:Routes:events:Match:Path"] = "/events";
            s["ReverseProxy:Routes:events:Metadata:Bff.TokenType"] = "User";
            s["ReverseProxy:Routes:events:Metadata:Bff.AntiForgery"] = "false"; // an EventSource cannot send X-CSRF
        });
        using var alice = new TestBrowser();
        await alice.LoginAsync(bff.Url);
        var (client, stream) = await OpenStreamAsync(alice, $"{bff.Url}/events");
        using var _ = client;
        await using var __ = stream;
        var logoutUrl = new UserClaims((await alice.ApiAsync($"{bff.Url}/bff/user")).Body).LogoutUrl;

        Assert.Equal(HttpStatusCode.Redirect, (await alice.GetAsync($"{bff.Url}{logoutUrl}")).Status);

        Assert.True(await EndsAsync(stream, TimeSpan.FromSeconds(10)), "the event stream outlived the logout");
    }
}
