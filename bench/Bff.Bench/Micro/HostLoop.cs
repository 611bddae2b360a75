using System.Diagnostics;

namespace Bff.Bench.Micro;

/// <summary>
/// <c>Bff.Bench hostloop yarp|bff SECONDS</c>: one proxied GET after another through one in-process
/// host (<see cref="HostPipelineBenchmarks"/>) for SECONDS after a 5-s warm-up, for a profiler to
/// attach to (<c>dotnet-trace collect -p PID</c> once it prints "measuring"); prints the requests
/// and the CPU per request. The same request path as the benchmark, with nothing of BenchmarkDotNet's.
/// </summary>
internal static class HostLoop
{
    public static async Task<int> RunAsync(string[] args)
    {
        if (args is not [var target and ("yarp" or "bff"), var secondsText] || !int.TryParse(secondsText, out var seconds))
        {
            Console.Error.WriteLine("Usage: Bff.Bench hostloop yarp|bff SECONDS");
            return 2;
        }

        var host = new HostPipelineBenchmarks();
        await host.SetupAsync();
        try
        {
            Func<Task<int>> request = target == "yarp" ? host.BareYarp : host.Bff;
            await LoopAsync(request, TimeSpan.FromSeconds(5));
            Console.WriteLine($"measuring (pid {Environment.ProcessId})");
            using var process = Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            var requests = await LoopAsync(request, TimeSpan.FromSeconds(seconds));
            process.Refresh();
            var perRequest = (process.TotalProcessorTime - cpu).TotalMicroseconds / requests;
            Console.WriteLine($"{target}: {requests:N0} requests, {perRequest:F2} µs CPU per request");
        }
        finally
        {
            await host.CleanupAsync();
        }

        return 0;
    }

    private static async Task<long> LoopAsync(Func<Task<int>> request, TimeSpan duration)
    {
        var clock = Stopwatch.StartNew();
        long requests = 0;
        while (clock.Elapsed < duration)
        {
            for (var i = 0; i < 1000; i++)
            {
                await request();
            }

            requests += 1000;
        }

        return requests;
    }
}
