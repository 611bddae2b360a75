namespace Bff.SampleApi;

/// <summary>The first message of the <c>/api/ws/echo</c> WebSocket: who the access token names.</summary>
internal sealed record WebSocketHello(string? Sub, string? ClientId);
