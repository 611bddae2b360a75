using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Bff.Host;

/// <summary>Unknown GETs of the SPA's own paths get <c>index.html</c>; API-looking paths get a plain 404.</summary>
internal static class SpaFallback
{
    public static async Task HandleAsync(HttpContext context, IFileProvider? files)
    {
        var path = context.Request.Path;
        var index = files?.GetFileInfo("index.html");
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method)
            || path.StartsWithSegments("/bff") || path.StartsWithSegments("/api")
            || Path.HasExtension(path.Value)
            || index is null || !index.Exists)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers[HeaderNames.CacheControl] = "no-cache";
        await context.Response.SendFileAsync(index, context.RequestAborted);
    }
}
