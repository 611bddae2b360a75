using System.Collections.Concurrent;
using System.Net;
using Bff.DevIdp;

namespace Bff.Bench.Hosts;

/// <summary>
/// The dev IdP (<see cref="DevIdpApp.Build"/>) with a counter first in its pipeline: every
/// <c>POST /connect/token</c> is counted by <c>grant_type</c> and answer status, and
/// <c>GET /__bench/grants</c> (loopback only) returns the counts; <c>GET /__bench/stats</c> the
/// process's CPU time and allocations, as the other bench hosts. The refresh storm reads it
/// before and after to count the refresh_token grants the BFF made.
/// </summary>
internal static class IdpBenchHost
{
    private static readonly ConcurrentDictionary<string, int> Grants = new(StringComparer.Ordinal);

    public static async Task<int> RunAsync(string[] args)
    {
        var app = DevIdpApp.Build(args, configureBuilder: null, configurePipelineStart: pipeline => pipeline.Use(CountAsync));
        await app.RunAsync();
        return 0;
    }

    private static async Task CountAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (request.Path.StartsWithSegments("/__bench", StringComparison.Ordinal))
        {
            if (context.Connection.RemoteIpAddress is not { } remote || !IPAddress.IsLoopback(remote))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
            }
            else if (request.Path.Equals("/__bench/grants", StringComparison.Ordinal))
            {
                await BenchStats.WriteJsonAsync(context, new SortedDictionary<string, int>(Grants, StringComparer.Ordinal));
            }
            else if (request.Path.Equals(BenchStats.StatsPath, StringComparison.Ordinal))
            {
                await BenchStats.WriteJsonAsync(context, BenchStats.Snapshot());
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
            }

            return;
        }

        if (!(HttpMethods.IsPost(request.Method) && request.Path.Equals("/connect/token", StringComparison.Ordinal) && request.HasFormContentType))
        {
            await next(context);
            return;
        }

        // The form is buffered by ASP.NET Core: OpenIddict reads the same copy afterwards.
        var form = await request.ReadFormAsync(context.RequestAborted);
        var grantType = form["grant_type"].ToString();
        await next(context);
        Grants.AddOrUpdate($"{grantType}:{context.Response.StatusCode}", 1, static (_, n) => n + 1);
    }
}
