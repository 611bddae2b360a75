using OpenBff;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Bff.Host;

/// <summary>
/// The deployable BFF: composition only, configured by configuration (appsettings, environment
/// variables, command line). See the README for the keys.
/// </summary>
public static class BffHostApp
{
    /// <summary>Runs the host; exits 1 with a readable message when the configuration is invalid.</summary>
    public static int Main(string[] args)
    {
        try
        {
            Build(args).Run();
            return 0;
        }
        catch (OptionsValidationException ex)
        {
            Console.Error.WriteLine("The BFF cannot start: its configuration is invalid.");
            foreach (var failure in ex.Failures)
            {
                Console.Error.WriteLine($"  - {failure}");
            }

            return 1;
        }
        catch (InvalidOperationException ex) when (ex.InnerException is AggregateException proxyErrors)
        {
            Console.Error.WriteLine($"The BFF cannot start: {ex.Message}");
            foreach (var error in proxyErrors.InnerExceptions)
            {
                Console.Error.WriteLine($"  - {error.Message}");
            }

            return 1;
        }
    }

    /// <summary>Builds the host. <paramref name="configureBuilder"/> lets tests replace services and configuration.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configureBuilder = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
        });

        builder.Services.AddOptions<BffOptions>().BindConfiguration(BffOptions.SectionName);
        builder.Services.AddOptions<SpaOptions>().BindConfiguration("Bff:Spa");
        builder.Services.AddBff().AddServerSideSessions().AddRemoteApis();
        builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));
        configureBuilder?.Invoke(builder);
        AddTelemetry(builder); // reads the configuration as the caller left it
        var forwardedHeaders = ForwardedHeadersSetup.Configure(builder);

        var app = builder.Build();
        if (builder.Configuration.GetValue<bool>("Bff:Telemetry:RequestLog"))
        {
            RequestLog.Use(app); // first: one line per request, whatever answers it
        }

        if (forwardedHeaders)
        {
            app.UseForwardedHeaders(); // first: everything after sees the client's scheme and address
        }

        app.UseBffPublicOrigin(); // Bff:PublicOrigin: another Host gets 400; absolute URLs use the public origin

        var spaPath = ResolveSpaPath(app.Services.GetRequiredService<IOptions<SpaOptions>>().Value);
        var spaFiles = Directory.Exists(spaPath) ? new PhysicalFileProvider(spaPath) : null;
        if (spaFiles is not null)
        {
            app.UseDefaultFiles(new DefaultFilesOptions { FileProvider = spaFiles });
            app.UseStaticFiles(new StaticFileOptions { FileProvider = spaFiles });
        }

        app.UseBffAuthentication(); // UseAuthentication() without the OpenID Connect handler on every request
        app.UseBff();
        app.UseAuthorization();

        app.MapBffManagementEndpoints();
        app.MapBffHealthEndpoints();
        app.MapReverseProxy();
        app.MapFallback(context => SpaFallback.HandleAsync(context, spaFiles));
        return app;
    }

    /// <summary>
    /// Logs with the request's trace id in their scope (JSON lines with <c>Bff:Telemetry:JsonLogs=true</c>);
    /// OpenTelemetry metrics (ASP.NET Core, HttpClient, the <c>Bff</c> meter) and traces, exported over
    /// OTLP when <c>Bff:Telemetry:OtlpEndpoint</c> or <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set, and to
    /// the console only when <c>Bff:Telemetry:Console</c> is true (opt-in: its dumps of every span
    /// and metric would bury the demo's own output).
    /// </summary>
    private static void AddTelemetry(WebApplicationBuilder builder)
    {
        var settings = builder.Configuration.GetSection("Bff:Telemetry");

        // Options only, no provider added: a caller that replaced the log providers (the tests) keeps its own.
        builder.Logging.Configure(o => o.ActivityTrackingOptions =
            ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.ParentId);
        // RequestId (TraceIdentifier), TraceId, SpanId; Logging:Console:FormatterOptions:IncludeScopes=false leaves them out (npm start does).
        var includeScopes = builder.Configuration.GetValue("Logging:Console:FormatterOptions:IncludeScopes", true);
        builder.Services.Configure<SimpleConsoleFormatterOptions>(o => o.IncludeScopes = includeScopes);
        builder.Services.Configure<JsonConsoleFormatterOptions>(o =>
        {
            o.IncludeScopes = includeScopes;
            o.UseUtcTimestamp = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
        });
        var jsonLogs = settings.GetValue<bool>("JsonLogs");
        builder.Services.Configure<ConsoleLoggerOptions>(o =>
            o.FormatterName = jsonLogs ? ConsoleFormatterNames.Json : o.FormatterName ?? ConsoleFormatterNames.Simple); // named: the formatter's options apply

        var otlpEndpoint = settings["OtlpEndpoint"];
        var otlp = !string.IsNullOrWhiteSpace(otlpEndpoint) || !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var console = settings.GetValue<bool>("Console");
        if (!otlp && !console)
        {
            return;
        }

        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(settings["ServiceName"] ?? builder.Configuration["OTEL_SERVICE_NAME"] ?? "bff"))
            .WithMetrics(metrics =>
            {
                metrics.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddMeter(BffMetrics.MeterName);
                if (console)
                {
                    metrics.AddConsoleExporter();
                }
            })
            .WithTracing(tracing =>
            {
                // URL query values (authorization codes, state) are redacted by both instrumentations.
                tracing.AddAspNetCoreInstrumentation().AddHttpClientInstrumentation();
                if (console)
                {
                    tracing.AddConsoleExporter();
                }
            });
        if (!string.IsNullOrWhiteSpace(otlpEndpoint))
        {
            telemetry.UseOtlpExporter(OtlpProtocol(settings["OtlpProtocol"] ?? builder.Configuration["OTEL_EXPORTER_OTLP_PROTOCOL"]), OtlpEndpoint(otlpEndpoint));
        }
        else if (otlp)
        {
            telemetry.UseOtlpExporter(); // the standard OTEL_EXPORTER_OTLP_* variables
        }
    }

    private static OtlpExportProtocol OtlpProtocol(string? value) => value switch
    {
        null or "" or "grpc" => OtlpExportProtocol.Grpc,
        "http/protobuf" => OtlpExportProtocol.HttpProtobuf,
        _ => throw new OptionsValidationException("Bff:Telemetry", typeof(BffHostApp), [$"Bff:Telemetry:OtlpProtocol '{value}' is unknown. Use grpc (default) or http/protobuf."]),
    };

    private static Uri OtlpEndpoint(string value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new OptionsValidationException("Bff:Telemetry", typeof(BffHostApp), [$"Bff:Telemetry:OtlpEndpoint '{value}' is not an absolute http(s) URL, e.g. http://otel-collector:4317."]);

    private static string ResolveSpaPath(SpaOptions options) =>
        System.IO.Path.GetFullPath(System.IO.Path.IsPathRooted(options.Path)
            ? options.Path
            : System.IO.Path.Combine(AppContext.BaseDirectory, options.Path));
}
