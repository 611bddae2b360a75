using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace OpenBff.Endpoints;

/// <summary>
/// A 400 answer with an RFC 9457 problem body whose <c>detail</c> a developer can act on, never a
/// redirect. The detail is the BFF's own text, never an echo of the request.
/// </summary>
internal static class BadRequest
{
    /// <param name="context">The request.</param>
    /// <param name="detail">What is wrong and how to fix it.</param>
    /// <param name="parameter">The query parameter (or header) at fault: named in <c>errors</c>, as ASP.NET Core's validation problems do.</param>
    public static Task WriteAsync(HttpContext context, string detail, string parameter)
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
                ["errors"] = new Dictionary<string, string[]> { [parameter] = [detail] },
            }),
            context.RequestAborted);
    }
}
