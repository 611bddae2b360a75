using System.Diagnostics;
using System.Net;
using System.Text.Json;

namespace Bff.Bench.Hosts;

/// <summary>
/// A loopback-only <c>GET /__bench/stats</c>, inserted first in the pipeline of the bench hosts
/// (bare YARP and the BFF alike, so both pay the same one path comparison per request). The
/// driver reads it before and after a measured interval: allocated bytes and CPU time per request
/// are the differences divided by the requests wrk completed. Never part of the product.
/// </summary>
internal sealed class BenchStats : IStartupFilter
{
    public const string StatsPath = "/__bench/stats";

    private readonly Func<HttpContext, Task<bool>>? _extra;

    /// <param name="extra">Handles further <c>/__bench/*</c> paths of one host; returns false when it did not.</param>
    public BenchStats(Func<HttpContext, Task<bool>>? extra = null) => _extra = extra;

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use(async (context, nextMiddleware) =>
        {
            var path = context.Request.Path;
            if (!path.StartsWithSegments("/__bench", StringComparison.Ordinal))
            {
                await nextMiddleware(context);
                return;
            }

            if (context.Connection.RemoteIpAddress is not { } remote || !IPAddress.IsLoopback(remote))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            if (path.Equals(StatsPath, StringComparison.Ordinal))
            {
                await WriteJsonAsync(context, Snapshot());
                return;
            }

            if (path.Equals(CollectedPath, StringComparison.Ordinal))
            {
                await WriteJsonAsync(context, Collected());
                return;
            }

            if (_extra is null || !await _extra(context))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
            }
        });
        next(app);
    };

    /// <summary>The managed heap after full compacting collections, and the RSS: for every host, so bare YARP and the BFF are measured alike.</summary>
    public const string CollectedPath = "/__bench/collected";

    public static Dictionary<string, object> Collected()
    {
        for (var i = 0; i < 2; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        using var process = Process.GetCurrentProcess();
        return new Dictionary<string, object>
        {
            ["heapBytes"] = GC.GetTotalMemory(forceFullCollection: false),
            ["workingSetBytes"] = process.WorkingSet64,
            ["threads"] = process.Threads.Count,
        };
    }

    public static Dictionary<string, object> Snapshot()
    {
        using var process = Process.GetCurrentProcess();
        var gc = GC.GetGCMemoryInfo();
        return new Dictionary<string, object>
        {
            ["pid"] = Environment.ProcessId,
            ["allocatedBytes"] = GC.GetTotalAllocatedBytes(precise: true),
            ["workingSetBytes"] = process.WorkingSet64,
            ["peakWorkingSetBytes"] = process.PeakWorkingSet64,
            ["gcHeapBytes"] = gc.HeapSizeBytes,
            ["gcCommittedBytes"] = gc.TotalCommittedBytes,
            ["gen0"] = GC.CollectionCount(0),
            ["gen1"] = GC.CollectionCount(1),
            ["gen2"] = GC.CollectionCount(2),
            ["gcPauseMs"] = GC.GetTotalPauseDuration().TotalMilliseconds,
            ["cpuMs"] = process.TotalProcessorTime.TotalMilliseconds,
            ["kernelCpuMs"] = process.PrivilegedProcessorTime.TotalMilliseconds,
            ["threads"] = process.Threads.Count,
            ["serverGc"] = System.Runtime.GCSettings.IsServerGC,
            ["threadPoolItems"] = ThreadPool.CompletedWorkItemCount,
            ["lockContentions"] = Monitor.LockContentionCount,
            ["contextSwitches"] = ContextSwitches(),
        };
    }

    /// <summary>Voluntary and involuntary context switches of every thread of this process (Linux; 0 elsewhere).</summary>
    private static long ContextSwitches()
    {
        long total = 0;
        try
        {
            foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
            {
                try
                {
                    foreach (var line in File.ReadLines(Path.Combine(task, "status")))
                    {
                        if (line.StartsWith("voluntary_ctxt_switches:", StringComparison.Ordinal) || line.StartsWith("nonvoluntary_ctxt_switches:", StringComparison.Ordinal))
                        {
                            total += long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim(), System.Globalization.CultureInfo.InvariantCulture);
                        }
                    }
                }
                catch (IOException)
                {
                    // the thread exited while being read
                }
            }
        }
        catch (DirectoryNotFoundException)
        {
        }

        return total;
    }

    public static async Task WriteJsonAsync(HttpContext context, object value)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(JsonSerializer.Serialize(value));
    }
}
