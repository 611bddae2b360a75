using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Bff.Endpoints;

/// <summary>
/// A 400 answer with an RFC 9457 problem body whose <c>detail</c> a developer can act on, never a
/// redirect. The detail is the BFF's own text, never an echo of the request.
/// </summary>
internal static class BadRequest
{
    public static Task WriteAsync(HttpContext context, string detail)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "application/problem+json";
        return context.Response.WriteAsync(
            JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["type"] = "about:blank",
                ["title"] = "Bad Request",
                ["status"] = StatusCodes.Status400BadRequest,
                ["detail"] = detail,
            }),
            context.RequestAborted);
    }
}
