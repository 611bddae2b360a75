using System.Text;

namespace Bff.Bench.Hosts;

/// <summary>
/// The upstream API behind both proxies: answers every request with the same 1 KB JSON document,
/// as fast as Kestrel allows (no routing, no logging per request). It tells in a response header
/// whether the request carried a bearer token, so the driver can check the BFF attached one.
/// <see cref="TokenPath"/> answers instead the Authorization header it received (and whether a
/// cookie came with it), for the peers run to verify the token each proxy attached is the user's.
/// </summary>
internal static class UpstreamApp
{
    public const int PayloadSize = 1024;

    /// <summary>Under <c>/api</c>, so every proxy's route forwards it like <c>/api/data</c>.</summary>
    public const string TokenPath = "/api/__bench/token";

    /// <summary>A WebSocket that echoes every message (the WebSocket run, lib/websockets.mjs); also under <c>/api</c>.</summary>
    public const string WebSocketPath = "/api/__bench/ws";

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var app = builder.Build();
        var payload = Payload();
        app.UseWebSockets();
        app.Run(context =>
        {
            if (context.Request.Path.Equals(TokenPath, StringComparison.Ordinal))
            {
                return EchoAuthorization(context);
            }

            if (context.Request.Path.Equals(WebSocketPath, StringComparison.Ordinal) && context.WebSockets.IsWebSocketRequest)
            {
                return EchoWebSocketAsync(context);
            }

            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json";
            response.ContentLength = payload.Length;
            var authorization = context.Request.Headers.Authorization;
            response.Headers["x-bench-auth"] = authorization.Count == 0 ? "none"
                : authorization[0]!.StartsWith("Bearer ", StringComparison.Ordinal) ? "bearer"
                : "other";
            response.Headers["x-bench-cookie"] = context.Request.Headers.Cookie.Count == 0 ? "none" : "present";
            return response.Body.WriteAsync(payload).AsTask();
        });
        await app.RunAsync();
        return 0;
    }

    /// <summary>
    /// Echoes each message back until the client closes. Refuses the upgrade without a bearer token,
    /// so a run through the BFF shows the BFF attached one to the upgrade request.
    /// </summary>
    private static async Task EchoWebSocketAsync(HttpContext context)
    {
        var authorization = context.Request.Headers.Authorization;
        context.Response.Headers["x-bench-auth"] = authorization.Count == 0 ? "none" : "bearer";
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var buffer = new byte[4096];
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, context.RequestAborted);
            if (received.MessageType == System.Net.WebSockets.WebSocketMessageType.Close)
            {
                await socket.CloseOutputAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);
                return;
            }

            await socket.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, context.RequestAborted);
        }
    }

    /// <summary>The Authorization header as received (bench-only, loopback-only upstream), and whether cookies came.</summary>
    private static Task EchoAuthorization(HttpContext context) =>
        context.Response.WriteAsJsonAsync(new Dictionary<string, object?>
        {
            ["authorization"] = context.Request.Headers.Authorization.Count == 0 ? null : context.Request.Headers.Authorization[0],
            ["cookie"] = context.Request.Headers.Cookie.Count != 0,
        });

    /// <summary>A JSON array of to-do items padded to exactly <see cref="PayloadSize"/> bytes.</summary>
    internal static byte[] Payload()
    {
        var json = new StringBuilder("{\"items\":[");
        for (var i = 1; json.Length < PayloadSize - 80; i++)
        {
            if (i > 1)
            {
                json.Append(',');
            }

            json.Append("{\"id\":").Append(i).Append(",\"title\":\"Item number ").Append(i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture)).Append("\",\"done\":false}");
        }

        json.Append("],\"pad\":\"");
        var closing = "\"}";
        json.Append('x', PayloadSize - json.Length - closing.Length).Append(closing);
        var bytes = Encoding.UTF8.GetBytes(json.ToString());
        return bytes.Length == PayloadSize ? bytes : throw new InvalidOperationException($"payload is {bytes.Length} bytes");
    }
}
