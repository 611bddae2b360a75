using System.Text.Json;

namespace Bff.Tests.Infrastructure;

/// <summary>Every token the IdP issued to one client, read from the token endpoint's recorded answers.</summary>
public sealed class IssuedTokens
{
    public List<string> AccessTokens { get; } = [];

    public List<string> RefreshTokens { get; } = [];

    public List<string> IdTokens { get; } = [];

    public IEnumerable<string> All => AccessTokens.Concat(RefreshTokens).Concat(IdTokens);

    public static IssuedTokens From(TestIdp idp, string clientId)
    {
        var tokens = new IssuedTokens();
        foreach (var response in idp.TokenRequests(clientId).Where(r => r.Status == 200))
        {
            using var json = JsonDocument.Parse(response.ResponseBody);
            Add(json.RootElement, "access_token", tokens.AccessTokens);
            Add(json.RootElement, "refresh_token", tokens.RefreshTokens);
            Add(json.RootElement, "id_token", tokens.IdTokens);
        }

        return tokens;
    }

    private static void Add(JsonElement root, string name, List<string> list)
    {
        if (root.TryGetProperty(name, out var value) && value.GetString() is { Length: > 0 } token)
        {
            list.Add(token);
        }
    }
}
