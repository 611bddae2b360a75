namespace Bff.Tests.Infrastructure;

/// <summary>A request a test server received, with its form fields and the body it answered.</summary>
public sealed record RecordedRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Form,
    IReadOnlyDictionary<string, string> Headers,
    int Status,
    string ResponseBody)
{
    public string? Field(string name) => Form.TryGetValue(name, out var value) ? value : null;

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
