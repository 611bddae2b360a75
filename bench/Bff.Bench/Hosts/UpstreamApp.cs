using System.Text;

namespace Bff.Bench.Hosts;

/// <summary>
/// The upstream API behind both proxies: answers every request with the same 1 KB JSON document,
/// as fast as Kestrel allows (no routing, no logging per request). It tells in a response header
/// whether the request carried a bearer token, so the driver can check the BFF attached one.
/// <see cref="TokenPath"/> answers instead the Authorization header it received (and whether a
/// cookie came with it), for the peers run to verify the token each proxy attached is the user's.
/// </summary>
internal static class UpstreamApp
{
    public const int PayloadSize = 1024;

    /// <summary>Under <c>/api</c>, so every proxy's route forwards it like <c>/api/data</c>.</summary>
    public const string TokenPath = "/api/__bench/token";

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var app = builder.Build();
        var payload = Payload();
        app.Run(context =>
        {
            if (context.Request.Path.Equals(TokenPath, StringComparison.Ordinal))
            {
                return EchoAuthorization(context);
            }

            var response = context.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json";
            response.ContentLength = payload.Length;
            var authorization = context.Request.Headers.Authorization;
            response.Headers["x-bench-auth"] = authorization.Count == 0 ? "none"
                : authorization[0]!.StartsWith("Bearer ", StringComparison.Ordinal) ? "bearer"
                : "other";
            response.Headers["x-bench-cookie"] = context.Request.Headers.Cookie.Count == 0 ? "none" : "present";
            return response.Body.WriteAsync(payload).AsTask();
        });
        await app.RunAsync();
        return 0;
    }

    /// <summary>The Authorization header as received (bench-only, loopback-only upstream), and whether cookies came.</summary>
    private static Task EchoAuthorization(HttpContext context) =>
        context.Response.WriteAsJsonAsync(new Dictionary<string, object?>
        {
            ["authorization"] = context.Request.Headers.Authorization.Count == 0 ? null : context.Request.Headers.Authorization[0],
            ["cookie"] = context.Request.Headers.Cookie.Count != 0,
        });

    /// <summary>A JSON array of to-do items padded to exactly <see cref="PayloadSize"/> bytes.</summary>
    internal static byte[] Payload()
    {
        var json = new StringBuilder("{\"items\":[");
        for (var i = 1; json.Length < PayloadSize - 80; i++)
        {
            if (i > 1)
            {
                json.Append(',');
            }

            json.Append("{\"id\":").Append(i).Append(",\"title\":\"Item number ").Append(i.ToString("D3", System.Globalization.CultureInfo.InvariantCulture)).Append("\",\"done\":false}");
        }

        json.Append("],\"pad\":\"");
        var closing = "\"}";
        json.Append('x', PayloadSize - json.Length - closing.Length).Append(closing);
        var bytes = Encoding.UTF8.GetBytes(json.ToString());
        return bytes.Length == PayloadSize ? bytes : throw new InvalidOperationException($"payload is {bytes.Length} bytes");
    }
}
