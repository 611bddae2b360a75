using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Bff.Tests.Infrastructure;

/// <summary>
/// Inserted first in a test server's pipeline: records every request (form fields, headers) and
/// the response body, so tests can assert what the BFF sent to the IdP or the API.
/// </summary>
public sealed class RequestRecorder : IStartupFilter
{
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private string? _failPathPrefix;

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToList();

    /// <summary>When set, requests whose path starts with it are answered 503 (a simulated outage).</summary>
    public string? FailPathPrefix
    {
        get => Volatile.Read(ref _failPathPrefix);
        set => Volatile.Write(ref _failPathPrefix, value);
    }

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(RecordAsync);
        next(app);
    };

    public IEnumerable<RecordedRequest> To(string path) => Requests.Where(r => r.Path == path);

    private async Task RecordAsync(HttpContext context, RequestDelegate next)
    {
        if (FailPathPrefix is { } prefix && context.Request.Path.StartsWithSegments(prefix))
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        if (context.Request.HasFormContentType)
        {
            foreach (var field in await context.Request.ReadFormAsync())
            {
                form[field.Key] = field.Value.ToString();
            }
        }

        var headers = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
            buffer.Position = 0;
            var body = new StreamReader(buffer).ReadToEnd();
            buffer.Position = 0;
            await buffer.CopyToAsync(original);
            _requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path.Value ?? string.Empty, form, headers, context.Response.StatusCode, body));
        }
    }
}
