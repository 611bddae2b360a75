namespace Bff.Bench.Hosts;

/// <summary>
/// The floor: the same Yarp.ReverseProxy as the BFF, loaded from the same <c>ReverseProxy</c>
/// configuration, with nothing else in the pipeline but the bench stats endpoint the BFF host
/// has too. Built like Bff.Host (WebApplication, content root = the binary's folder).
/// </summary>
internal static class BareYarpApp
{
    public static async Task<int> RunAsync(string[] args)
    {
        await Build(args, BenchExperiments.ApplyToFloor).RunAsync(); // Bench:Experiments=direct only
        return 0;
    }

    /// <summary>Builds the host; <paramref name="configureBuilder"/> lets the micro-benchmarks replace services.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configureBuilder = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        builder.Services.AddSingleton<IStartupFilter>(new BenchStats());
        builder.Services.AddReverseProxy().LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"));
        configureBuilder?.Invoke(builder);
        var app = builder.Build();
        app.MapReverseProxy();
        return app;
    }
}
