using System.Text.Json;

namespace Bff.Tests.Infrastructure;

/// <summary>The <c>/bff/user</c> answer, parsed.</summary>
public sealed class UserClaims
{
    private readonly List<(string Type, JsonElement Value)> _claims;

    public UserClaims(string json)
    {
        using var document = JsonDocument.Parse(json);
        _claims = document.RootElement.EnumerateArray()
            .Select(c => (c.GetProperty("type").GetString()!, c.GetProperty("value").Clone()))
            .ToList();
    }

    public IEnumerable<string> Types => _claims.Select(c => c.Type);

    public string? Value(string type) =>
        _claims.Where(c => c.Type == type).Select(c => c.Value.ValueKind == JsonValueKind.String ? c.Value.GetString() : c.Value.GetRawText()).FirstOrDefault();

    public JsonElement Raw(string type) => _claims.First(c => c.Type == type).Value;

    public string LogoutUrl => Value("bff:logout_url")!;

    public long ExpiresIn => Raw("bff:session_expires_in").GetInt64();
}
