using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;

namespace Bff.Bench.Hosts;

/// <summary>
/// The <c>direct</c> diagnosis (stop 32), in bare YARP's process and the BFF's alike: a first
/// middleware forwards every <c>/api</c> request itself through YARP's <see cref="IHttpForwarder"/>,
/// with an HTTP client configured as YARP's default one, dropping the <c>Cookie</c> header, so
/// neither routing, YARP's route pipeline nor any BFF middleware runs. Both processes then do the
/// same work per request: what is left between them is the process (its services, heap, timers,
/// JIT-compiled code), not the request's path. Not the product.
/// </summary>
internal sealed class DirectForward : IStartupFilter
{
    private readonly string _destination;

    // YARP's own default client (a SocketsHttpHandler configured as its routes' clients are).
    private readonly HttpMessageInvoker _client = new ForwarderHttpClientFactory().CreateClient(new ForwarderHttpClientContext { NewConfig = HttpClientConfig.Empty });

    public DirectForward(string destination) => _destination = destination;

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        var forwarder = app.ApplicationServices.GetRequiredService<IHttpForwarder>();
        app.Use((context, nextMiddleware) => context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal)
            ? forwarder.SendAsync(context, _destination, _client, ForwarderRequestConfig.Empty, NoCookie.Instance).AsTask()
            : nextMiddleware(context));
        next(app);
    };

    /// <summary>Adds the filter when <c>Bench:Experiments</c> names <c>direct</c>; the destination is the <c>api</c> cluster's.</summary>
    public static void AddTo(WebApplicationBuilder builder) =>
        builder.Services.AddSingleton<IStartupFilter>(new DirectForward(
            builder.Configuration["ReverseProxy:Clusters:api:Destinations:d1:Address"]
            ?? throw new ArgumentException("direct needs ReverseProxy:Clusters:api:Destinations:d1:Address.")));

    private sealed class NoCookie : HttpTransformer
    {
        public static readonly NoCookie Instance = new();

        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
            proxyRequest.Headers.Remove("Cookie");
        }
    }
}
