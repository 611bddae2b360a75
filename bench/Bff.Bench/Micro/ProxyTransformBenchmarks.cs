using BenchmarkDotNet.Attributes;
using OpenBff.Proxy;
using OpenBff.Tokens;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Bff.Bench.Micro;

/// <summary>
/// YARP's request transform for one proxied GET, as the forwarder runs it: the route's transformer
/// built by YARP's own <see cref="ITransformBuilder"/> copies the browser's headers into a new
/// <see cref="HttpRequestMessage"/> and applies the route's transforms. Bare YARP's transformer
/// (its defaults: Host, X-Forwarded-*) against the BFF's (the same, plus the browser's credentials
/// and untrusted headers stripped and the Bearer header attached), on the same request: the
/// session cookie and <c>X-CSRF</c>, as wrk sends them in the default run.
/// </summary>
[MemoryDiagnoser]
public class ProxyTransformBenchmarks
{
    private const string Destination = "http://127.0.0.1:5001/";

    private BffFixture _bff = null!;
    private ServiceProvider _yarp = null!;
    private HttpTransformer _bffTransformer = null!;
    private HttpTransformer _yarpTransformer = null!;
    private DefaultHttpContext _request = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _bff = await BffFixture.CreateAsync("Memory", BffFixture.DevIdpTokens);
        var (route, _) = BffFixture.ApiRoute();
        var cluster = new ClusterConfig
        {
            ClusterId = "api",
            Destinations = new Dictionary<string, DestinationConfig> { ["d1"] = new() { Address = Destination } },
        };
        _bffTransformer = _bff.Services.GetRequiredService<ITransformBuilder>().Build(route, cluster);

        var yarp = new ServiceCollection();
        yarp.AddLogging();
        yarp.AddReverseProxy();
        _yarp = yarp.BuildServiceProvider();
        _yarpTransformer = _yarp.GetRequiredService<ITransformBuilder>().Build(route, cluster);

        _request = BffFixture.NewRequest(_bff.Services, _bff.CookieHeader);
        _request.Connection.RemoteIpAddress = System.Net.IPAddress.Loopback;
        var token = new string('a', BffFixture.DevIdpTokens.Access);
        _request.Features.Set(new BffAccessTokenFeature(new AccessTokenResult(AccessTokenStatus.Ok, token)));

        // Fail fast when a transformer does not do what the proxy does (the numbers would mean nothing).
        var bff = await TransformAsync(_bffTransformer);
        if (bff.Headers.Authorization?.Parameter != token || bff.Headers.Contains("Cookie") || bff.Headers.Contains("X-CSRF"))
        {
            throw new InvalidOperationException("The BFF's transformer did not strip the cookie and anti-forgery header and attach the token.");
        }

        var bare = await TransformAsync(_yarpTransformer);
        if (!bare.Headers.Contains("Cookie") || bare.Headers.Contains("Authorization"))
        {
            throw new InvalidOperationException("Bare YARP's transformer should forward the cookie and attach nothing.");
        }
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _yarp.DisposeAsync();
        await _bff.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "bare YARP's request transform (defaults)")]
    public Task<HttpRequestMessage> BareYarp() => TransformAsync(_yarpTransformer);

    [Benchmark(Description = "the BFF's request transform (strip, attach the token)")]
    public Task<HttpRequestMessage> Bff() => TransformAsync(_bffTransformer);

    private async Task<HttpRequestMessage> TransformAsync(HttpTransformer transformer)
    {
        var message = new HttpRequestMessage(HttpMethod.Get, (Uri?)null);
        await transformer.TransformRequestAsync(_request, message, Destination, CancellationToken.None);
        return message;
    }
}
