using System.Net.WebSockets;
using System.Text.Json;

namespace Bff.SampleApi;

/// <summary>
/// <c>/api/ws/echo</c> (token required): a WebSocket, over HTTP/1.1 (<c>GET</c> with
/// <c>Upgrade: websocket</c>) or HTTP/2 (extended <c>CONNECT</c>). Without a valid access token
/// the handshake is answered 401 and no socket opens; a request that is not a handshake gets 400.
/// The first message is the JSON text <c>{ "sub": ..., "clientId": ... }</c> of the token; every
/// message received after it is sent back as it came (text or binary) until the client closes.
/// </summary>
internal static class WebSocketEchoEndpoint
{
    public const string Path = "/api/ws/echo";

    public static void MapWebSocketEchoEndpoint(this IEndpointRouteBuilder endpoints) =>
        endpoints.Map(Path, EchoAsync).RequireAuthorization();

    private static async Task EchoAsync(HttpContext context)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var user = context.User;
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var aborted = context.RequestAborted;
        var hello = JsonSerializer.SerializeToUtf8Bytes(new WebSocketHello(TokenClaims.Subject(user), TokenClaims.ClientId(user)), JsonSerializerOptions.Web);
        await socket.SendAsync(hello, WebSocketMessageType.Text, endOfMessage: true, aborted);

        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                var received = await socket.ReceiveAsync(buffer.AsMemory(), aborted);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, aborted);
                    return;
                }

                await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, aborted);
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            // The client went away without a closing handshake.
        }
    }
}
