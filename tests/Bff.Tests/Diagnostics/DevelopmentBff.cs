using Bff.Host;
using Bff.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Diagnostics;

/// <summary>
/// The real Bff.Host started as <see cref="TestBff"/> starts it, but in the Development environment
/// (<c>--environment Development</c>), with the console telemetry exporters off.
/// </summary>
internal sealed class DevelopmentBff : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CapturingLoggerProvider _logs;

    private DevelopmentBff(WebApplication app, string clientId, FakeTimeProvider time, CapturingLoggerProvider logs)
    {
        _app = app;
        _logs = logs;
        ClientId = clientId;
        Time = time;
        Url = app.BoundAddress();
    }

    public string Url { get; }

    public string ClientId { get; }

    public FakeTimeProvider Time { get; }

    public IReadOnlyCollection<string> LogLines => _logs.Lines;

    public static async Task<DevelopmentBff> StartAsync(IdpFixture env)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var logs = new CapturingLoggerProvider();
        var settings = TestBff.DefaultSettings(env.Idp.Url, env.Api.Url, env.NewFolder());
        var (clientId, secret) = await env.Idp.RegisterClientAsync("http://127.0.0.1");
        settings["Bff:Oidc:ClientId"] = clientId;
        settings["Bff:Oidc:ClientSecret"] = secret;
        settings["Bff:Telemetry:Console"] = "false";
        var app = BffHostApp.Build(
            ["--urls", "http://127.0.0.1:0", "--environment", "Development"],
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(settings);
                builder.Logging.ClearProviders();
                builder.Logging.AddProvider(logs);
                builder.Services.AddSingleton<TimeProvider>(time);
            });
        await app.StartAsync();
        return new DevelopmentBff(app, clientId, time, logs);
    }

    /// <summary>Stops the BFF, then fails if any line it logged contains an issued token.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        var leaks = TokenLeakGuard.LeakingLines(_logs.Lines);
        Assert.Empty(leaks);
    }
}
