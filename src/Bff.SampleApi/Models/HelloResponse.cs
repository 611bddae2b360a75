namespace Bff.SampleApi;

/// <summary>Body of <c>GET /api/hello</c>.</summary>
internal sealed record HelloResponse(string Message, string? Sub, string? ClientId, string? Name, string Scope, DateTimeOffset Time);
