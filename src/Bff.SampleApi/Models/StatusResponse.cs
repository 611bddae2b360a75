namespace Bff.SampleApi;

/// <summary>Body of <c>GET /api/status/{code}</c>.</summary>
internal sealed record StatusResponse(int Status, string Message);
