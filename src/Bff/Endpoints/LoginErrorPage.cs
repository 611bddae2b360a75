using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Http;

namespace OpenBff.Endpoints;

/// <summary>The page shown when the login callback fails: no session, no details an attacker could use.</summary>
internal static class LoginErrorPage
{
    public static Task WriteAsync(HttpContext context, string homePath)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.XFrameOptions = "DENY";
        context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'";
        var home = HtmlEncoder.Default.Encode(homePath);
        return context.Response.WriteAsync(
            $"""
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Sign-in failed</title></head>
            <body><h1 id="login-error">Sign-in failed</h1>
            <p>The sign-in could not be completed. It may have expired or been used already.</p>
            <p><a id="login-retry" href="{home}">Back to the application</a></p></body></html>
            """,
            context.RequestAborted);
    }
}
