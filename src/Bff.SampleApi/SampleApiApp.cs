namespace Bff.SampleApi;

/// <summary>
/// Sample resource server for demos and tests: validates JWT access tokens from <c>SampleApi:Authority</c>.
/// Configuration: section <c>SampleApi</c> (Authority (required), Audience = "sample-api",
/// RequireHttpsMetadata = true), from the command line, environment variables (<c>SampleApi__...</c>) or an
/// optional <c>sampleapi.settings.json</c> beside the binary.
/// Endpoints: <c>GET /api/hello</c>, <c>GET /api/todos</c> (token required), <c>/api/echo</c>,
/// <c>GET /api/status/{code}</c> and <c>GET /health</c> (anonymous), the WebSocket <c>/api/ws/echo</c> and the SignalR hub
/// <c>/api/hubs/notifications</c> (token required).
/// </summary>
public static class SampleApiApp
{
    /// <summary>Runs the API until shut down; returns 1 when the configuration is invalid.</summary>
    public static int Main(string[] args)
    {
        try
        {
            using var app = Build(args);
            app.Run();
            return 0;
        }
        catch (Exception exception) when (StartupErrors.TryDescribe(exception, out var message))
        {
            Console.Error.WriteLine(message);
            return 1;
        }
    }

    /// <summary>
    /// Builds the API without starting it. The content root is <see cref="AppContext.BaseDirectory"/>, so the
    /// current directory does not matter. Invalid configuration fails at start.
    /// </summary>
    /// <param name="args">Command-line arguments (e.g. <c>--urls</c>, <c>--SampleApi:Authority=...</c>).</param>
    /// <param name="configureBuilder">Runs after the default services are added: override configuration or services.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configureBuilder = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = typeof(SampleApiApp).Assembly.GetName().Name,
        });
        SettingsFiles.UseOwnFiles(builder.Configuration, builder.Environment.EnvironmentName);

        builder.AddSampleApi();
        configureBuilder?.Invoke(builder);

        var app = builder.Build();
        app.UseSampleApi();
        return app;
    }
}
