using System.Collections.Concurrent;
using System.Diagnostics.Tracing;

namespace Bff.Bench.Micro;

/// <summary>
/// <c>Bff.Bench allocations</c>: what the BFF's per-request pipeline allocates, by type. Runs
/// <see cref="HotPathBenchmarks.RequestScopeOnly"/> (the baseline bare YARP pays too) and the
/// host's pipeline (<see cref="HotPathBenchmarks.BffAuthenticationPipeline"/>) many times each, with
/// the runtime's allocation sampling on (an event about every 100 KB allocated, naming the type of
/// the object that crossed the mark), and prints the estimated bytes per request of each type.
/// </summary>
internal static class AllocationProbe
{
    private const int Calls = 300_000;

    public static async Task<int> RunAsync(string[] args)
    {
        if (args is ["host", ..])
        {
            var host = new HostPipelineBenchmarks();
            await host.SetupAsync();
            try
            {
                await ProbeAsync("bare YARP: GET /api/data through the host (no sockets)", host.BareYarp);
                await ProbeAsync("BFF, Memory store: GET /api/data through the host (no sockets)", host.Bff);
            }
            finally
            {
                await host.CleanupAsync();
            }

            return 0;
        }

        var hotPath = new HotPathBenchmarks();
        await hotPath.SetupAsync();
        try
        {
            await ProbeAsync("baseline: request scope + HttpContext", hotPath.RequestScopeOnly);
            await ProbeAsync("the host's pipeline: UseBffAuthentication + UseBff + UseAuthorization + Bearer", hotPath.BffAuthenticationPipeline);
        }
        finally
        {
            await hotPath.CleanupAsync();
        }

        return 0;
    }

    private static async Task ProbeAsync<T>(string name, Func<Task<T>> step)
    {
        for (var i = 0; i < 2_000; i++)
        {
            await step();
        }

        using var listener = new AllocationListener();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < Calls; i++)
        {
            await step();
        }

        var perRequest = (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)Calls;
        Console.WriteLine($"\n{name}: {perRequest:N0} B per request ({listener.Events:N0} samples)");
        listener.Print(perRequest, top: 60);
    }

    private static string Shorten(string type) => type.Length <= 90 ? type : type[..87] + "...";

    /// <summary>The runtime's allocation sampling (GCAllocationTick: about one event every 100 KB, naming the type that crossed the mark).</summary>
    internal sealed class AllocationListener : EventListener
    {
        public ConcurrentDictionary<string, long> Bytes { get; } = new();

        public int Events;

        /// <summary>The sampled types' shares of <paramref name="perRequest"/> bytes, largest first.</summary>
        public void Print(double perRequest, int top)
        {
            var sampled = Bytes.Values.Sum();
            Console.WriteLine($"{"type",-90} {"B/request",10} {"share",7}");
            foreach (var (type, bytes) in Bytes.OrderByDescending(kv => kv.Value).Take(top))
            {
                var share = bytes / (double)sampled;
                Console.WriteLine($"{Shorten(type),-90} {share * perRequest,10:N0} {share,7:P1}");
            }
        }

        protected override void OnEventSourceCreated(EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime")
            {
                EnableEvents(source, EventLevel.Verbose, (EventKeywords)0x1); // GC keyword: GCAllocationTick
            }
        }

        protected override void OnEventWritten(EventWrittenEventArgs e)
        {
            if (e.EventName?.StartsWith("GCAllocationTick", StringComparison.Ordinal) != true || e.PayloadNames is null)
            {
                return;
            }

            var type = e.Payload![e.PayloadNames.IndexOf("TypeName")] as string ?? "?";
            var amount = e.PayloadNames.IndexOf("AllocationAmount64") is >= 0 and var i ? Convert.ToInt64(e.Payload[i], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
            Bytes.AddOrUpdate(type, amount, (_, total) => total + amount);
            Interlocked.Increment(ref Events);
        }
    }
}
