namespace Bff.Host;

/// <summary>
/// <c>Bff:Telemetry:RequestLog=true</c>: one Information entry per request, in the category
/// <see cref="Category"/>: <c>GET /api/orders 200 12.3 ms</c>. The path is logged without its query
/// (a callback's query holds the authorization code and the state) and percent-encoded, so a request
/// cannot write a line break into the log; the time is until the pipeline returned. The health
/// probes (<c>/health/*</c>) are left out. <c>npm start</c> turns it on, for a console that shows
/// what the browser does; off by default (the exported traces say more, and ASP.NET Core's hosting
/// logs are there for whoever lowers <c>Microsoft.AspNetCore</c> to Information).
/// </summary>
internal static partial class RequestLog
{
    /// <summary>The log category of the request lines.</summary>
    public const string Category = "Bff.Host.RequestLog";

    public static void Use(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(Category);
        var time = app.Services.GetService<TimeProvider>() ?? TimeProvider.System;
        app.Use(async (context, next) =>
        {
            if (context.Request.Path.StartsWithSegments("/health") || !logger.IsEnabled(LogLevel.Information))
            {
                await next(context);
                return;
            }

            var started = time.GetTimestamp();
            var completed = false;
            try
            {
                await next(context);
                completed = true;
            }
            finally
            {
                // An exception that escaped the pipeline before the answer started becomes a 500.
                var status = completed || context.Response.HasStarted ? context.Response.StatusCode : StatusCodes.Status500InternalServerError;
                var path = (context.Request.PathBase + context.Request.Path).ToUriComponent();
                logger.Request(context.Request.Method, path, status, time.GetElapsedTime(started).TotalMilliseconds);
            }
        });
    }

    [LoggerMessage(1, LogLevel.Information, "{Method} {Path} {StatusCode} {ElapsedMilliseconds:0.0} ms", EventName = "Request")]
    private static partial void Request(this ILogger logger, string method, string path, int statusCode, double elapsedMilliseconds);
}
