namespace Bff.Tests.Infrastructure;

/// <summary>A request as it reached a test server, before it was answered (a WebSocket is answered only when it closes).</summary>
public sealed record ArrivedRequest(string Method, string Path, string Query, IReadOnlyDictionary<string, string> Headers)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
