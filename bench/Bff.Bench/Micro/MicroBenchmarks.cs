namespace Bff.Bench.Micro;

internal static class MicroBenchmarks
{
    public static int Run(string[] args) => 0;
}
