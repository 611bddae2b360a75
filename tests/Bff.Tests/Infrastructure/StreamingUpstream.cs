using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Bff.Tests.Infrastructure;

/// <summary>
/// An upstream on a free loopback port whose <c>GET /stream</c> answers with the <c>type</c> query's
/// content type, writes one event (<c>data: first</c>), flushes, then waits for
/// <see cref="Release"/> before writing the last (<c>data: last</c>) and finishing.
/// </summary>
public sealed class StreamingUpstream : IAsyncDisposable
{
    public const string FirstEvent = "data: first";
    public const string LastEvent = "data: last";

    private readonly WebApplication _app;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private StreamingUpstream(WebApplication app) => _app = app;

    public string Url { get; private set; } = string.Empty;

    /// <summary>Whether the upstream has finished its answer (written the last event and returned).</summary>
    public bool Finished => _finished.Task.IsCompleted;

    public static async Task<StreamingUpstream> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(["--urls", "http://127.0.0.1:0"]);
        builder.Logging.ClearProviders();
        var upstream = new StreamingUpstream(builder.Build());
        upstream._app.MapGet("/stream", upstream.StreamAsync);
        await upstream._app.StartAsync();
        upstream.Url = upstream._app.BoundAddress();
        return upstream;
    }

    /// <summary>Lets the upstream write its last event and finish.</summary>
    public void Release() => _release.TrySetResult();

    private async Task StreamAsync(HttpContext context, string type)
    {
        context.Response.ContentType = type;
        await context.Response.WriteAsync($"{FirstEvent}\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
        await _release.Task.WaitAsync(TimeSpan.FromSeconds(60), context.RequestAborted);
        await context.Response.WriteAsync($"{LastEvent}\n\n", context.RequestAborted);
        _finished.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
