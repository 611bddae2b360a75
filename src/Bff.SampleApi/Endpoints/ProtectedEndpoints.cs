using System.Security.Claims;

namespace Bff.SampleApi;

/// <summary><c>GET /api/hello</c> and <c>GET /api/todos</c>: require a valid access token (401 otherwise).</summary>
internal static class ProtectedEndpoints
{
    public static void MapProtectedEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/hello", Hello).RequireAuthorization();
        endpoints.MapGet("/api/todos", Todos).RequireAuthorization();
    }

    private static HelloResponse Hello(ClaimsPrincipal user, TimeProvider timeProvider) =>
        new(
            "Hello from the sample API",
            TokenClaims.Subject(user),
            TokenClaims.ClientId(user),
            TokenClaims.Name(user),
            TokenClaims.Scope(user),
            timeProvider.GetUtcNow());

    private static TodoItem[] Todos(ClaimsPrincipal user)
    {
        var owner = TokenClaims.Subject(user) ?? TokenClaims.ClientId(user) ?? "unknown";
        return
        [
            new TodoItem(1, $"Read the BFF docs ({owner})", Done: true, owner),
            new TodoItem(2, $"Call the sample API through the BFF ({owner})", Done: false, owner),
            new TodoItem(3, $"Sign out and back in ({owner})", Done: false, owner),
        ];
    }
}
