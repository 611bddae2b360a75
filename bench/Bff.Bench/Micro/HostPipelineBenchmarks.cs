using BenchmarkDotNet.Attributes;
using Bff.Bench.Hosts;

namespace Bff.Bench.Micro;

/// <summary>
/// One proxied GET through a whole host, bare YARP's against the BFF's (Memory store, a signed-in
/// session, the dev IdP's token sizes), each built as <c>npm run bench</c> builds it (the same
/// configuration, logging levels and <c>/__bench</c> filter) and run in process
/// (<see cref="InProcessHost"/>): ASP.NET Core's hosting, every middleware, routing, YARP's
/// forwarder and transforms, the response copied back; not Kestrel and not the sockets. The
/// difference is what the BFF's host adds to a request outside of what the end-to-end run's
/// sockets and scheduling add to both.
/// </summary>
[MemoryDiagnoser]
public class HostPipelineBenchmarks
{
    private const string Path = "/api/data";

    private static readonly string[] ReverseProxy =
    [
        "--ReverseProxy:Routes:api:ClusterId=api",
        "--ReverseProxy:Routes:api:Match:Path=/api/{**rest}",
        "--ReverseProxy:Routes:api:Metadata:Bff.TokenType=User",
        "--ReverseProxy:Clusters:api:Destinations:d1:Address=http://127.0.0.1:5001/",
        "--Logging:LogLevel:Default=Information",
        "--Logging:LogLevel:Microsoft.AspNetCore=Warning",
        "--Logging:LogLevel:Yarp=Warning",
    ];

    private WebApplication _yarpApp = null!;
    private InProcessHost _yarp = null!;
    private BffFixture _bffFixture = null!;
    private InProcessHost _bff = null!;
    private string _cookieHeader = string.Empty;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _yarpApp = BareYarpApp.Build(["--urls", "http://127.0.0.1:0", .. ReverseProxy], builder => _yarp = InProcessHost.Configure(builder));
        await _yarpApp.StartAsync();
        _bffFixture = await BffFixture.CreateAsync("Memory", BffFixture.DevIdpTokens, ReverseProxy, builder =>
        {
            builder.Services.AddSingleton<IStartupFilter>(new BenchStats());
            _bff = InProcessHost.Configure(builder);
        });
        await _bffFixture.App.StartAsync();

        // wrk sends the BFF's session cookie to both, as the end-to-end run does.
        _cookieHeader = _bffFixture.CookieHeader;

        // Fail fast when a host does not do what the end-to-end run checks (the numbers would mean nothing).
        _yarp.Inspect = _bff.Inspect = true;
        var yarpStatus = await _yarp.SendAsync(Path, _cookieHeader);
        if (yarpStatus != 200 || !_yarp.LastHadCookie || _yarp.LastAuthorization is not null)
        {
            throw new InvalidOperationException($"Bare YARP did not forward the request as it is (status {yarpStatus}).");
        }

        var bffStatus = await _bff.SendAsync(Path, _cookieHeader);
        if (bffStatus != 200 || _bff.LastHadCookie || _bff.LastAuthorization?.StartsWith("Bearer ", StringComparison.Ordinal) != true)
        {
            throw new InvalidOperationException($"The BFF did not forward the request with the session's token and without the cookie (status {bffStatus}).");
        }

        _yarp.Inspect = _bff.Inspect = false;
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _yarpApp.StopAsync();
        await _yarpApp.DisposeAsync();
        await _bffFixture.App.StopAsync();
        await _bffFixture.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "bare YARP: GET /api/data through the host (no sockets)")]
    public Task<int> BareYarp() => _yarp.SendAsync(Path, _cookieHeader);

    [Benchmark(Description = "BFF, Memory store: GET /api/data with the session cookie through the host (no sockets)")]
    public Task<int> Bff() => _bff.SendAsync(Path, _cookieHeader);
}
