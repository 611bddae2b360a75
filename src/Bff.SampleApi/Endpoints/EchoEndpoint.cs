using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Net.Http.Headers;

namespace Bff.SampleApi;

/// <summary>
/// <c>GET|POST|PUT|PATCH|DELETE /api/echo</c> and <c>/api/echo/{**rest}</c> (anonymous): describes the request
/// as received (path including path base, raw query string with its leading '?'), to check what a proxy forwarded. A missing or invalid token only makes <c>authenticated</c> false; the Authorization header value
/// is never echoed.
/// </summary>
internal static class EchoEndpoint
{
    public const int BodyLimitInBytes = 64 * 1024;

    private static readonly string[] Methods =
        [HttpMethods.Get, HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete];

    public static void MapEchoEndpoint(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods("/api/echo", Methods, (Delegate)EchoAsync);
        endpoints.MapMethods("/api/echo/{**rest}", Methods, (Delegate)EchoAsync);
    }

    private static async Task<IResult> EchoAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(JwtBearerDefaults.AuthenticationScheme);
        var principal = result.Succeeded ? result.Principal : null;

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in context.Request.Headers)
        {
            if (!string.Equals(name, HeaderNames.Authorization, StringComparison.OrdinalIgnoreCase))
            {
                headers[name] = values.ToString();
            }
        }

        var (body, truncated) = await ReadBodyAsync(context.Request, context.RequestAborted);
        return Results.Json(new EchoResponse(
            context.Request.Method,
            (context.Request.PathBase + context.Request.Path).Value ?? "",
            context.Request.QueryString.Value ?? "",
            principal is not null,
            principal is null ? null : TokenClaims.Subject(principal),
            principal is null ? null : TokenClaims.ClientId(principal),
            ClassifyAuthorization(context.Request.Headers.Authorization.ToString()),
            headers,
            body,
            truncated));
    }

    private static string ClassifyAuthorization(string value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "absent";
        }

        return value.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? "bearer" : "other";
    }

    private static async Task<(string Body, bool Truncated)> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var buffer = new byte[BodyLimitInBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length
               && (read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        var truncated = length > BodyLimitInBytes;
        return (Encoding.UTF8.GetString(buffer, 0, Math.Min(length, BodyLimitInBytes)), truncated);
    }
}
