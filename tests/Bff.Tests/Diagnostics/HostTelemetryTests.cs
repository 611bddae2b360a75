using Bff.Host;
using Bff.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Bff.Tests.Diagnostics;

/// <summary>The host's telemetry switches, read from configuration (built, not started: nothing is exported).</summary>
public sealed class HostTelemetryTests
{
    private static Dictionary<string, string?> Settings(params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Bff:Oidc:Authority"] = "https://login.example.com",
            ["Bff:Oidc:ClientId"] = "bff",
            ["Bff:Oidc:ClientSecret"] = "secret",
            ["Bff:Session:Store"] = "Memory",
            ["Bff:DataPath"] = Path.Combine(Path.GetTempPath(), $"bff-telemetry-{Guid.NewGuid():N}"),
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    private static WebApplication BuildInDevelopment(Dictionary<string, string?> settings) =>
        BffHostApp.Build(
            ["--urls", "http://127.0.0.1:0", "--environment", "Development"],
            builder => builder.Configuration.AddInMemoryCollection(settings));

    [Fact]
    public async Task Production_without_telemetry_settings_exports_nothing()
    {
        await using var app = TestBff.Build(Settings(), new CapturingLoggerProvider());

        Assert.Null(app.Services.GetService<MeterProvider>());
        Assert.Null(app.Services.GetService<TracerProvider>());
    }

    [Theory]
    [InlineData("Bff:Telemetry:OtlpEndpoint")]
    [InlineData("OTEL_EXPORTER_OTLP_ENDPOINT")]
    public async Task An_otlp_endpoint_turns_on_metrics_and_traces(string key)
    {
        await using var app = TestBff.Build(Settings((key, "http://127.0.0.1:4317")), new CapturingLoggerProvider());

        Assert.NotNull(app.Services.GetService<MeterProvider>());
        Assert.NotNull(app.Services.GetService<TracerProvider>());
    }

    [Fact]
    public async Task The_console_exporter_is_opt_in_even_in_development()
    {
        await using (var quiet = BuildInDevelopment(Settings()))
        {
            Assert.Null(quiet.Services.GetService<MeterProvider>()); // npm start's console shows the requests and the banner, not every span
        }

        await using (var console = BuildInDevelopment(Settings(("Bff:Telemetry:Console", "true"))))
        {
            Assert.NotNull(console.Services.GetService<MeterProvider>());
        }
    }

    [Fact]
    public async Task Json_logs_use_the_json_console_formatter_with_the_trace_id_in_scope()
    {
        await using var json = TestBff.Build(Settings(("Bff:Telemetry:JsonLogs", "true")), new CapturingLoggerProvider());
        await using var text = TestBff.Build(Settings(), new CapturingLoggerProvider());

        Assert.Equal(ConsoleFormatterNames.Json, json.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
        Assert.True(json.Services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue.IncludeScopes);
        Assert.Equal(ConsoleFormatterNames.Simple, text.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
        Assert.True(text.Services.GetRequiredService<IOptionsMonitor<SimpleConsoleFormatterOptions>>().CurrentValue.IncludeScopes);
        var tracking = json.Services.GetRequiredService<IOptions<LoggerFactoryOptions>>().Value.ActivityTrackingOptions;
        Assert.True(tracking.HasFlag(ActivityTrackingOptions.TraceId));
    }

    [Fact]
    public async Task The_console_setting_IncludeScopes_false_leaves_the_scopes_out_of_both_formats()
    {
        await using var app = TestBff.Build(Settings(("Logging:Console:FormatterOptions:IncludeScopes", "false")), new CapturingLoggerProvider());

        Assert.False(app.Services.GetRequiredService<IOptionsMonitor<SimpleConsoleFormatterOptions>>().CurrentValue.IncludeScopes); // npm start's one-line entries
        Assert.False(app.Services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue.IncludeScopes);
    }

    [Fact]
    public void An_unknown_otlp_protocol_stops_the_start_naming_the_key()
    {
        var error = Assert.Throws<OptionsValidationException>(() =>
            TestBff.Build(Settings(("Bff:Telemetry:OtlpEndpoint", "http://127.0.0.1:4317"), ("Bff:Telemetry:OtlpProtocol", "carrier-pigeon")), new CapturingLoggerProvider()));

        Assert.Contains("Bff:Telemetry:OtlpProtocol 'carrier-pigeon' is unknown", string.Join("\n", error.Failures), StringComparison.Ordinal);
    }
}
