using System.Text.Encodings.Web;

namespace Bff.DevIdp;

/// <summary>Minimal HTML layout. Every value coming from a request or the configuration must go through <see cref="Encode"/>.</summary>
internal static class HtmlPage
{
    private const string Style =
        "body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#222}" +
        "label{display:block;margin-top:.8rem}input{width:100%;padding:.4rem;box-sizing:border-box}" +
        "button{margin-top:1rem;padding:.5rem 1.2rem}#login-error{color:#b00020}" +
        ".hint{background:#f4f4f4;padding:.6rem;border-radius:4px;font-size:.9rem}";

    public static string Encode(string? value) => HtmlEncoder.Default.Encode(value ?? "");

    public static IResult Render(string title, string body, int statusCode = StatusCodes.Status200OK) =>
        Results.Content(
            $"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>{Encode(title)} - Dev IdP</title>
            <style>{Style}</style>
            </head>
            <body>
            <h1>Dev IdP</h1>
            {body}
            </body>
            </html>
            """,
            "text/html; charset=utf-8",
            statusCode: statusCode);
}
