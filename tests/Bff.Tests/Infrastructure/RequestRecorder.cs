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
    private readonly ConcurrentQueue<ArrivedRequest> _arrivals = new();
    private string? _failPathPrefix;
    private int _held;
    private TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<RecordedRequest> Requests => _requests.ToList();

    /// <summary>
    /// Every request as it arrived, before it was answered: a WebSocket is in <see cref="Requests"/>
    /// only once it has closed, here from its handshake on.
    /// </summary>
    public IReadOnlyList<ArrivedRequest> Arrivals => _arrivals.ToList();

    /// <summary>When set, requests whose path starts with it are answered 503 (a simulated outage).</summary>
    public string? FailPathPrefix
    {
        get => Volatile.Read(ref _failPathPrefix);
        set => Volatile.Write(ref _failPathPrefix, value);
    }

    /// <summary>When set, requests whose path starts with it wait until <see cref="ReleaseHeld"/> (a slow IdP).</summary>
    public string? HoldPathPrefix { get; set; }

    /// <summary>Requests currently held.</summary>
    public int Held => Volatile.Read(ref _held);

    /// <summary>When set, rewrites the body answered to a path (e.g. a discovery document without an endpoint).</summary>
    public Func<string, string, string>? RewriteBody { get; set; }

    public void ReleaseHeld() => Interlocked.Exchange(ref _gate, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(RecordAsync);
        next(app);
    };

    public IEnumerable<RecordedRequest> To(string path) => Requests.Where(r => r.Path == path);

    private async Task RecordAsync(HttpContext context, RequestDelegate next)
    {
        _arrivals.Enqueue(new ArrivedRequest(
            context.Request.Method,
            context.Request.Path.Value ?? string.Empty,
            context.Request.QueryString.Value ?? string.Empty,
            context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
        if (FailPathPrefix is { } prefix && context.Request.Path.StartsWithSegments(prefix))
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        if (HoldPathPrefix is { } hold && context.Request.Path.StartsWithSegments(hold))
        {
            Interlocked.Increment(ref _held);
            try
            {
                await Volatile.Read(ref _gate).Task.WaitAsync(TimeSpan.FromSeconds(30));
            }
            finally
            {
                Interlocked.Decrement(ref _held);
            }
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
        if (context.Request.Headers.Accept.ToString().Contains("text/event-stream", StringComparison.OrdinalIgnoreCase))
        {
            // An event stream is answered a piece at a time: recorded without its body, never buffered.
            await next(context);
            _requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path.Value ?? string.Empty, form, headers, context.Response.StatusCode, string.Empty));
            return;
        }

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
            var rewritten = RewriteBody is { } rewrite && rewrite(context.Request.Path.Value ?? string.Empty, body) is var changed && changed != body ? changed : null;

            // Recorded before the body is written: once the client has the whole answer it may act
            // on it (the BFF proxies, the test asserts), and the record must already be there.
            _requests.Enqueue(new RecordedRequest(context.Request.Method, context.Request.Path.Value ?? string.Empty, form, headers, context.Response.StatusCode, rewritten ?? body));
            if (rewritten is not null)
            {
                context.Response.ContentLength = null;
                await original.WriteAsync(System.Text.Encoding.UTF8.GetBytes(rewritten));
            }
            else
            {
                buffer.Position = 0;
                await buffer.CopyToAsync(original);
            }
        }
    }
}
