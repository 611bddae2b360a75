using Microsoft.AspNetCore.Http;

namespace OpenBff.RealTime;

/// <summary>
/// A request for a server-sent event stream (<c>EventSource</c>, SignalR's SSE transport): a
/// <c>GET</c> whose <c>Accept</c> names <c>text/event-stream</c>. Such a response stays open as
/// long as a WebSocket, so it ends with its session too.
/// </summary>
internal static class EventStreamRequest
{
    private const string EventStream = "text/event-stream";

    /// <summary>On every proxied request: the method (a reference or length check) first, then the typed <c>Accept</c> field.</summary>
    public static bool Is(HttpRequest request)
    {
        if (!HttpMethods.IsGet(request.Method))
        {
            return false;
        }

        foreach (var accept in request.Headers.Accept)
        {
            if (accept is not null && accept.Contains(EventStream, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
