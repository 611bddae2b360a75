using System.Diagnostics;

namespace Bff.Bench.Micro;

/// <summary>
/// <c>Bff.Bench hostloop yarp|bff SECONDS</c>: one proxied GET after another through one in-process
/// host (<see cref="HostPipelineBenchmarks"/>) for SECONDS after a 5-s warm-up, for a profiler to
/// attach to (<c>dotnet-trace collect -p PID</c> once it prints "measuring"); prints the requests
/// and the CPU per request. The same request path as the benchmark, with nothing of BenchmarkDotNet's.
/// <c>hostloop pair SECONDS</c>: both hosts in turn, compared batch by batch (<see cref="PairAsync"/>).
/// </summary>
internal static class HostLoop
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args is not [var target and ("yarp" or "bff" or "pair"), var secondsText, .. var rest] || !int.TryParse(secondsText, out var seconds)
            || rest is not ([] or [_]) || (rest is [var kb] && (target != "pair" || !int.TryParse(kb, out _))))
        {
            Console.Error.WriteLine("Usage: Bff.Bench hostloop yarp|bff SECONDS | hostloop pair SECONDS [EVICT_KB]");
            return 2;
        }

        s_evict = rest is [var evictKb] ? new byte[int.Parse(evictKb, System.Globalization.CultureInfo.InvariantCulture) * 1024] : [];

        var host = new HostPipelineBenchmarks();
        await host.SetupAsync();
        try
        {
            if (target == "pair")
            {
                await PairAsync(host, TimeSpan.FromSeconds(seconds));
                return 0;
            }

            Func<Task<int>> request = target == "yarp" ? host.BareYarp : host.Bff;
            await LoopAsync(request, TimeSpan.FromSeconds(5));
            Console.WriteLine($"measuring (pid {Environment.ProcessId})");
            using var process = Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            int[] collections = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
            var paused = GC.GetTotalPauseDuration();
            var requests = await LoopAsync(request, TimeSpan.FromSeconds(seconds));
            process.Refresh();
            var perRequest = (process.TotalProcessorTime - cpu).TotalMicroseconds / requests;
            Console.WriteLine(
                $"{target}: {requests:N0} requests, {perRequest:F2} µs CPU per request; collections gen0 {GC.CollectionCount(0) - collections[0]}, gen1 {GC.CollectionCount(1) - collections[1]}, " +
                $"gen2 {GC.CollectionCount(2) - collections[2]}, paused {(GC.GetTotalPauseDuration() - paused).TotalMicroseconds / requests:F2} µs per request");
        }
        finally
        {
            await host.CleanupAsync();
        }

        return 0;
    }

    /// <summary>
    /// Bare YARP and the BFF in turn, 2,000 requests each, the order swapped every other pair, for
    /// <paramref name="duration"/> after a 5-s warm-up of both: the median over the pairs of the
    /// BFF's time per request minus bare YARP's, each pair measured milliseconds apart (the
    /// machine's drift cancels as in the end-to-end run's cycles).
    /// </summary>
    private static async Task PairAsync(HostPipelineBenchmarks host, TimeSpan duration)
    {
        const int Batch = 2000;
        await LoopAsync(host.BareYarp, TimeSpan.FromSeconds(2.5));
        await LoopAsync(host.Bff, TimeSpan.FromSeconds(2.5));
        var differences = new List<double>();
        var yarpTimes = new List<double>();
        var bffTimes = new List<double>();
        var clock = Stopwatch.StartNew();
        for (var pair = 0; clock.Elapsed < duration; pair++)
        {
            double yarp, bff;
            if (pair % 2 == 0)
            {
                yarp = await BatchAsync(host.BareYarp, Batch);
                bff = await BatchAsync(host.Bff, Batch);
            }
            else
            {
                bff = await BatchAsync(host.Bff, Batch);
                yarp = await BatchAsync(host.BareYarp, Batch);
            }

            yarpTimes.Add(yarp);
            bffTimes.Add(bff);
            differences.Add(bff - yarp);
        }

        static double Median(List<double> values)
        {
            values.Sort();
            return values[values.Count / 2];
        }

        var quartiles = differences.Order().ToList();
        Console.WriteLine(
            $"{differences.Count} pairs of {Batch} requests: bare YARP {Median(yarpTimes):F2} µs, the BFF {Median(bffTimes):F2} µs per request (medians); " +
            $"the BFF minus bare YARP, median of the pairs: {Median(differences):F2} µs (quartiles {quartiles[quartiles.Count / 4]:F2} to {quartiles[quartiles.Count * 3 / 4]:F2} µs)");
    }

    /// <summary>
    /// <c>hostloop pair SECONDS EVICT_KB</c>: a buffer written through, one byte per 64-byte line,
    /// before every request of both hosts, so that each request finds the caches as a machine
    /// running wrk, the upstream and 32 requests at once leaves them, not as a tight loop of one
    /// request leaves them. The walk takes the same time in both hosts' batches.
    /// </summary>
    private static byte[] s_evict = [];

    private static async Task<double> BatchAsync(Func<Task<int>> request, int count)
    {
        var evict = s_evict;
        var started = Stopwatch.GetTimestamp();
        for (var i = 0; i < count; i++)
        {
            for (var line = 0; line < evict.Length; line += 64)
            {
                evict[line]++;
            }

            await request();
        }

        return Stopwatch.GetElapsedTime(started).TotalMicroseconds / count;
    }

    private static async Task<long> LoopAsync(Func<Task<int>> request, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        long requests = 0;
        while (clock.Elapsed < duration)
        {
            await BatchAsync(request, 1000);
            requests += 1000;
        }

        return requests;
    }
}
