using System.Text.Json;
using System.Text.Json.Serialization;

namespace Bff.Tests.Infrastructure;

/// <summary>One request the interop provider or its API received (see tests/interop-provider/README.md).</summary>
public sealed record InteropRequest
{
    public static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public int Seq { get; init; }

    /// <summary><c>authorization</c>, <c>par</c>, <c>token</c>, <c>userinfo</c>, <c>revocation</c>, <c>introspection</c>, <c>end_session</c> or <c>api</c>.</summary>
    public string Endpoint { get; init; } = string.Empty;

    public string? Method { get; init; }

    public string? ClientId { get; init; }

    public Dictionary<string, JsonElement> Params { get; init; } = [];

    public int Status { get; init; }

    public string? Error { get; init; }

    public JsonElement? Response { get; init; }

    /// <summary>The oidc-provider route name, or for the API which API (<c>api1</c>, <c>api2</c>).</summary>
    public string? Route { get; init; }

    /// <summary>The <c>Authorization</c> header received (Bearer tokens as sent; Basic masked).</summary>
    public string? Authorization { get; init; }

    /// <summary>The <c>Location</c> the endpoint answered with, if any.</summary>
    public string? Location { get; init; }

    /// <summary>A parameter's value (the first, when it was sent several times), or null.</summary>
    public string? Param(string name) =>
        !Params.TryGetValue(name, out var value) ? null
        : value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Select(v => v.GetString()).FirstOrDefault()
        : value.ValueKind == JsonValueKind.String ? value.GetString()
        : value.ToString();

    /// <summary>Every value of a parameter sent once or several times.</summary>
    public IReadOnlyList<string> ParamValues(string name) =>
        !Params.TryGetValue(name, out var value) ? []
        : value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Select(v => v.GetString()!).ToList()
        : [value.GetString()!];

    [JsonIgnore]
    public string? GrantType => Param("grant_type");
}
