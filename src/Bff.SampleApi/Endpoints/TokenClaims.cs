using System.Security.Claims;

namespace Bff.SampleApi;

/// <summary>Reads the claims of a validated access token (claim types as issued: <c>MapInboundClaims = false</c>).</summary>
internal static class TokenClaims
{
    public static string? Subject(ClaimsPrincipal principal) => principal.FindFirst("sub")?.Value;

    public static string? ClientId(ClaimsPrincipal principal) =>
        principal.FindFirst("client_id")?.Value ?? principal.FindFirst("azp")?.Value;

    public static string? Name(ClaimsPrincipal principal) => principal.FindFirst("name")?.Value;

    /// <summary>The scopes as one space-separated string (a JSON array of scopes arrives as several claims).</summary>
    public static string Scope(ClaimsPrincipal principal) =>
        string.Join(' ', principal.FindAll("scope").Select(claim => claim.Value));
}
