namespace Bff.SampleApi;

/// <summary>Maps <see cref="NotificationsHub"/>: WebSockets, server-sent events and long polling, each authenticated by the JWT bearer scheme.</summary>
internal static class NotificationsHubEndpoint
{
    public static void MapNotificationsHub(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapHub<NotificationsHub>(NotificationsHub.Path, options =>
        {
            // The token attached by the BFF when the connection opened is not renewed while it stays
            // open (a WebSocket, an SSE stream): close the connection when it expires, and the
            // client reconnects through the BFF, which attaches a fresh one.
            options.CloseOnAuthenticationExpiration = true;
        }).RequireAuthorization();
}
