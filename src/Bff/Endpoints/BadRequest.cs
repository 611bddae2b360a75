using Microsoft.AspNetCore.Http;

namespace Bff.Endpoints;

/// <summary>A plain 400 answer with a message a developer can act on, never a redirect.</summary>
internal static class BadRequest
{
    public static Task WriteAsync(HttpContext context, string message)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(message, context.RequestAborted);
    }
}
