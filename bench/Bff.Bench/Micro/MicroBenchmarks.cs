using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Bff.Bench.Micro;

/// <summary>
/// <c>Bff.Bench micro [BenchmarkDotNet arguments]</c>: runs the micro-benchmarks in this process
/// (in-process toolchain: no project is generated or built, so it works offline and starts at
/// once; server GC like the hosts). <c>--job short</c> for a quick look; the default job does
/// 3 warm-ups and 10 measured iterations.
/// </summary>
internal static class MicroBenchmarks
{
    public static int Run(string[] args)
    {
        var shortJob = args.Contains("--job") && args.SkipWhile(a => a != "--job").Skip(1).FirstOrDefault() == "short";
        var job = (shortJob ? Job.ShortRun : Job.Default.WithWarmupCount(3).WithIterationCount(10))
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithId(shortJob ? "short" : "in-process");
        var config = DefaultConfig.Instance
            .AddJob(job.AsDefault())
            .WithOptions(ConfigOptions.DisableLogFile);
        var rest = shortJob ? RemoveJob(args) : args;
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(MicroBenchmarks).Assembly).Run(rest, config);
        if (!summaries.Any())
        {
            Console.Error.WriteLine("No benchmark ran (see the BenchmarkDotNet output above; e.g. --filter '*').");
            return 1;
        }

        return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
    }

    private static string[] RemoveJob(string[] args)
    {
        var list = args.ToList();
        var at = list.IndexOf("--job");
        list.RemoveRange(at, Math.Min(2, list.Count - at));
        return [.. list];
    }
}
