namespace OpenBff.Tokens;

/// <summary>
/// Names the user access token of one API (an RFC 8707 resource and/or a scope) inside a session:
/// the session keeps one such token per (resource, scope), beside the main access token. The item
/// names start with <c>.Token.</c> so the stored session keeps JWTs compact, and stay out of the
/// handler's token list (<c>.TokenNames</c>), which names the main tokens only.
/// </summary>
internal sealed record ApiTokenKey
{
    private ApiTokenKey(string? resource, string? scope)
    {
        Resource = resource;
        Scope = scope;
        AccessTokenItem = $"{Core.TokenNames.ApiTokenItemPrefix}{resource}|{scope}";
        ExpiresAtItem = AccessTokenItem + Core.TokenNames.ApiExpiresAtSuffix;
    }

    public string? Resource { get; }

    /// <summary>The scopes, in a canonical order (space separated), or null.</summary>
    public string? Scope { get; }

    /// <summary>The properties' item holding the access token.</summary>
    public string AccessTokenItem { get; }

    /// <summary>The properties' item holding its expiry (ISO 8601), when the provider gave one.</summary>
    public string ExpiresAtItem { get; }

    /// <summary>A short description for log lines (no token).</summary>
    public string Description => Resource is null ? $"scope '{Scope}'" : Scope is null ? $"resource '{Resource}'" : $"resource '{Resource}', scope '{Scope}'";

    public static ApiTokenKey? For(string? resource, string? scope)
    {
        var scopes = scope?.Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var canonical = scopes is { Length: > 0 } ? string.Join(' ', scopes) : null;
        return resource is null && canonical is null ? null : new ApiTokenKey(resource, canonical);
    }
}
