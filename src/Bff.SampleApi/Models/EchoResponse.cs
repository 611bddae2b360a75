namespace Bff.SampleApi;

/// <summary>
/// Body of <c>/api/echo</c>. <see cref="Authorization"/> is "absent", "bearer" or "other"; the Authorization
/// header itself is never echoed.
/// </summary>
internal sealed record EchoResponse(
    string Method,
    string Path,
    string Query,
    bool Authenticated,
    string? Sub,
    string? ClientId,
    string Authorization,
    IReadOnlyDictionary<string, string> Headers,
    string Body,
    bool BodyTruncated);
