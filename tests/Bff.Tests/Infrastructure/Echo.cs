using System.Text.Json;

namespace Bff.Tests.Infrastructure;

/// <summary>What the sample API's <c>/api/echo</c> saw of a forwarded request.</summary>
public sealed class Echo
{
    private readonly JsonElement _root;

    public Echo(string json) => _root = JsonDocument.Parse(json).RootElement.Clone();

    public bool Authenticated => _root.GetProperty("authenticated").GetBoolean();

    public string Authorization => _root.GetProperty("authorization").GetString()!;

    public string? Sub => _root.TryGetProperty("sub", out var sub) && sub.ValueKind == JsonValueKind.String ? sub.GetString() : null;

    public string? ClientId => _root.TryGetProperty("clientId", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString() : null;

    public string Body => _root.GetProperty("body").GetString() ?? string.Empty;

    public string Method => _root.GetProperty("method").GetString()!;

    public bool HasHeader(string name) =>
        _root.GetProperty("headers").EnumerateObject().Any(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase));

    public string? HeaderValue(string name) =>
        _root.GetProperty("headers").EnumerateObject().Where(h => string.Equals(h.Name, name, StringComparison.OrdinalIgnoreCase))
            .Select(h => h.Value.GetString()).FirstOrDefault();
}
