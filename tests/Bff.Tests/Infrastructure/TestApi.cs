using Bff.SampleApi;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Bff.Tests.Infrastructure;

/// <summary>The real sample API (JwtBearer against the IdP), on a free loopback port, recording every request.</summary>
public sealed class TestApi : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestApi(WebApplication app, RequestRecorder recorder)
    {
        _app = app;
        Recorder = recorder;
        Url = app.BoundAddress();
    }

    public RequestRecorder Recorder { get; }

    public string Url { get; }

    /// <param name="authority">The IdP whose tokens it accepts.</param>
    /// <param name="logs">Where its logs go.</param>
    /// <param name="audience">The <c>aud</c> it accepts (<c>SampleApi:Audience</c>), <c>sample-api</c> by default.</param>
    public static async Task<TestApi> StartAsync(string authority, CapturingLoggerProvider logs, string audience = "sample-api")
    {
        var recorder = new RequestRecorder();
        var app = SampleApiApp.Build(
            ["--urls", "http://127.0.0.1:0", "--SampleApi:Authority", authority, "--SampleApi:RequireHttpsMetadata", "false", "--SampleApi:Audience", audience],
            builder =>
            {
                builder.Logging.ClearProviders();
                builder.Logging.AddProvider(logs);
                builder.Logging.AddFilter("Microsoft.AspNetCore.Http.Connections", LogLevel.Debug); // SignalR's closes, e.g. on token expiry
                builder.Services.AddSingleton<IStartupFilter>(recorder);
            });
        await app.StartAsync();
        return new TestApi(app, recorder);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
