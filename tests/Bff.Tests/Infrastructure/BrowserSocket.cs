using System.Net;
using System.Net.WebSockets;
using System.Text;

namespace Bff.Tests.Infrastructure;

/// <summary>
/// A WebSocket opened to a BFF as a page's <c>new WebSocket(url)</c> would be, with the cookie
/// and headers (<c>Origin</c>, <c>Sec-Fetch-Site</c>) the test gives, over HTTP/1.1 (<c>GET</c> +
/// <c>Upgrade: websocket</c>) or HTTP/2 (RFC 8441 extended <c>CONNECT</c>, cleartext with prior
/// knowledge). A refused handshake is not an exception: <see cref="IsOpen"/> is false and
/// <see cref="Status"/> says what the server answered. Every message received is checked for tokens.
/// </summary>
public sealed class BrowserSocket : IDisposable
{
    private readonly ClientWebSocket _socket;
    private readonly HttpMessageInvoker? _http2;

    private BrowserSocket(ClientWebSocket socket, HttpMessageInvoker? http2, bool open)
    {
        _socket = socket;
        _http2 = http2;
        IsOpen = open;
        Status = socket.HttpStatusCode;
    }

    public bool IsOpen { get; }

    /// <summary>The handshake's answer: 101 (HTTP/1.1) or 200 (HTTP/2) when open, else the refusal's status.</summary>
    public HttpStatusCode Status { get; }

    /// <param name="url">The socket's address as http(s)://; ws(s):// is used.</param>
    /// <param name="cookie">The <c>Cookie</c> header the browser sends with it, if any.</param>
    /// <param name="http2">HTTP/2 extended CONNECT instead of an HTTP/1.1 upgrade.</param>
    /// <param name="headers">More request headers (<c>Origin</c>...).</param>
    public static async Task<BrowserSocket> ConnectAsync(string url, string? cookie, bool http2 = false, params (string Name, string Value)[] headers)
    {
        var socket = new ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        if (!string.IsNullOrEmpty(cookie))
        {
            socket.Options.SetRequestHeader("Cookie", cookie);
        }

        foreach (var (name, value) in headers)
        {
            socket.Options.SetRequestHeader(name, value);
        }

        var address = new UriBuilder(url) { Scheme = url.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ? "wss" : "ws" }.Uri;
        HttpMessageInvoker? invoker = null;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            if (http2)
            {
                socket.Options.HttpVersion = HttpVersion.Version20;
                socket.Options.HttpVersionPolicy = HttpVersionPolicy.RequestVersionExact;
                invoker = new HttpMessageInvoker(new SocketsHttpHandler { UseCookies = false }); // kept: the socket is a stream of its connection
                await socket.ConnectAsync(address, invoker, timeout.Token);
            }
            else
            {
                await socket.ConnectAsync(address, timeout.Token);
            }
        }
        catch (WebSocketException)
        {
            invoker?.Dispose();
            return new BrowserSocket(socket, null, open: false);
        }

        return new BrowserSocket(socket, invoker, open: true);
    }

    /// <summary>The next whole text message (fails after 15 s).</summary>
    public async Task<string> ReceiveTextAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        using var message = new MemoryStream();
        var buffer = new byte[4096];
        ValueWebSocketReceiveResult received;
        do
        {
            received = await _socket.ReceiveAsync(buffer.AsMemory(), timeout.Token);
            Assert.Equal(WebSocketMessageType.Text, received.MessageType);
            message.Write(buffer, 0, received.Count);
        }
        while (!received.EndOfMessage);

        var text = Encoding.UTF8.GetString(message.ToArray());
        if (TokenLeakGuard.LeakingLines([text]).Count > 0)
        {
            throw new InvalidOperationException("TOKEN LEAK: a WebSocket message contains an issued token.");
        }

        return text;
    }

    public Task SendTextAsync(string text) =>
        _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

    /// <summary>
    /// Waits for the server's side to end the socket (a close frame, or the connection dropped);
    /// false when it is still open after <paramref name="within"/> (the socket is then aborted).
    /// Messages that arrive meanwhile are read and dropped.
    /// </summary>
    public async Task<bool> EndedByServerAsync(TimeSpan within)
    {
        using var timeout = new CancellationTokenSource(within);
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var received = await _socket.ReceiveAsync(buffer.AsMemory(), timeout.Token);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    return true;
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            return false;
        }
        catch (WebSocketException)
        {
            return true; // the connection was dropped
        }
    }

    /// <summary>True when a message sent comes back (the echo API): the socket is still open end to end.</summary>
    public async Task<bool> EchoesAsync(string text)
    {
        try
        {
            await SendTextAsync(text);
            return await ReceiveTextAsync() == text;
        }
        catch (WebSocketException)
        {
            return false;
        }
    }

    /// <summary>Closes with the closing handshake (fails after 15 s).</summary>
    public async Task CloseAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
    }

    public void Dispose()
    {
        _socket.Dispose();
        _http2?.Dispose();
    }
}
