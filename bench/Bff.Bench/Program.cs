using Bff.Bench.Hosts;
using Bff.Bench.Micro;

namespace Bff.Bench;

/// <summary>
/// One executable, several roles, so every process of a benchmark run is built from the same
/// sources in the same configuration. bench/run.mjs starts one process per role.
/// </summary>
public static class Program
{
    private const string Usage = """
        Bff.Bench ROLE [args]
          upstream   the minimal upstream API (1 KB JSON on every path)
          yarp       bare YARP (ReverseProxy:* configuration), plus /__bench/stats
          bff        the real Bff.Host (BffHostApp.Build), plus /__bench/stats and /__bench/sessions
          idp        the dev IdP (DevIdpApp.Build), plus a token-grant counter at /__bench/grants
          micro      BenchmarkDotNet micro-benchmarks of the per-request hot path (--filter '*')
          finalizers what each step of the session read leaves to the finalizer thread
          allocations what the per-request pipeline allocates, by type (sampled); 'host': bare YARP's and the BFF's whole host
          hostloop   bare YARP's or the BFF's whole host in process, one request after another: yarp|bff SECONDS
          misses     a request whose session is in no cache: µs, bytes, by type and by step [SESSIONS] [ENTRIES]
          gauge      a collection of the bff.sessions.active gauge, SQLite store at size: SESSIONS DIRECTORY
        Hosts take the usual ASP.NET Core arguments (--urls http://127.0.0.1:0, --Key=value ...).
        """;

    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        var rest = args[1..];
        JitLog.StartIfAsked(args[0]);
        AllocLog.StartIfAsked(args[0]);
        return args[0] switch
        {
            "upstream" => await UpstreamApp.RunAsync(rest),
            "yarp" => await BareYarpApp.RunAsync(rest),
            "bff" => await BffBenchHost.RunAsync(rest),
            "idp" => await IdpBenchHost.RunAsync(rest),
            "micro" => MicroBenchmarks.Run(rest),
            "finalizers" => await FinalizerProbe.RunAsync(),
            "allocations" => await AllocationProbe.RunAsync(rest),
            "hostloop" => await HostLoop.RunAsync(rest),
            "misses" => await MissPathProbe.RunAsync(rest),
            "gauge" => await GaugeProbe.RunAsync(rest),
            _ => Fail($"Unknown role '{args[0]}'.\n{Usage}"),
        };
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }
}
