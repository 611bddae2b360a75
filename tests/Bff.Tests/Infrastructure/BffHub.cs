using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Bff.Tests.Infrastructure;

/// <summary>
/// A SignalR client connected through a BFF to the sample API's notifications hub, as the demo SPA
/// connects: the browser's session cookie, <c>X-CSRF: 1</c> on every HTTP request (negotiate, the
/// SSE stream, long polls, sends) and the page's <c>Origin</c>; never a token of its own. The
/// <c>notify</c> messages it receives queue for <see cref="NextNotificationAsync"/>.
/// </summary>
public sealed class BffHub : IAsyncDisposable
{
    public const string Path = "/api/hubs/notifications";

    private readonly Channel<JsonElement> _notifications = Channel.CreateUnbounded<JsonElement>();
    private readonly TaskCompletionSource<Exception?> _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private BffHub(HubConnection connection)
    {
        Connection = connection;
        connection.On<JsonElement>("notify", message => _notifications.Writer.TryWrite(message));
        connection.Closed += error =>
        {
            _closed.TrySetResult(error);
            return Task.CompletedTask;
        };
    }

    public HubConnection Connection { get; }

    /// <summary>Completes when the connection closes (with the error, if any).</summary>
    public Task<Exception?> Closed => _closed.Task;

    /// <summary>A connection (not started) to <paramref name="bffUrl"/><see cref="Path"/> over <paramref name="transport"/> only.</summary>
    public static BffHub Create(string bffUrl, TestBrowser browser, HttpTransportType transport, string path = Path) =>
        new(new HubConnectionBuilder()
            .WithUrl($"{bffUrl}{path}", transport, options =>
            {
                options.Cookies = browser.Cookies;
                options.Headers["X-CSRF"] = "1";
                options.Headers["Origin"] = bffUrl;
            })
            .Build());

    /// <summary>Connects over <paramref name="transport"/> and returns the started connection.</summary>
    public static async Task<BffHub> ConnectAsync(string bffUrl, TestBrowser browser, HttpTransportType transport)
    {
        var hub = Create(bffUrl, browser, transport);
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await hub.Connection.StartAsync(timeout.Token);
            return hub;
        }
        catch
        {
            await hub.DisposeAsync();
            throw;
        }
    }

    /// <summary>The next <c>notify</c> message (30 s at most).</summary>
    public async Task<JsonElement> NextNotificationAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await _notifications.Reader.ReadAsync(timeout.Token);
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();
}
