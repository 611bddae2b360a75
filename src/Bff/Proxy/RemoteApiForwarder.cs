using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Forwarder;

namespace OpenBff.Proxy;

/// <summary>
/// Forwards the calls of endpoints mapped with <c>MapRemoteBffApiEndpoint</c> with YARP's
/// <see cref="IHttpForwarder"/>: the path after the local prefix and the query go to the API's
/// address; the browser's <c>Cookie</c>, <c>Authorization</c>, anti-forgery and removed headers are
/// stripped as on YARP routes; the token the BFF middleware resolved is attached; the API's
/// <c>Set-Cookie</c> for the BFF's own cookies is dropped. One connection pool for all of them.
/// </summary>
internal sealed class RemoteApiForwarder : IDisposable
{
    private readonly IHttpForwarder _forwarder;
    private readonly StrippedRequestHeaders _stripped;
    private readonly BffCookieFilter _cookies;
    private readonly ILogger<RemoteApiForwarder> _logger;
    private readonly HttpMessageInvoker _client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        EnableMultipleHttp2Connections = true,
        ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.Current),
        ConnectTimeout = TimeSpan.FromSeconds(15),
    });

    public RemoteApiForwarder(IHttpForwarder forwarder, StrippedRequestHeaders stripped, BffCookieFilter cookies, ILogger<RemoteApiForwarder> logger)
    {
        _forwarder = forwarder;
        _stripped = stripped;
        _cookies = cookies;
        _logger = logger;
    }

    public async Task ForwardAsync(HttpContext context, PathString localPath, Uri api)
    {
        var transformer = new Transformer(this, localPath);
        var error = await _forwarder.SendAsync(context, api.AbsoluteUri, _client, ForwarderRequestConfig.Empty, transformer);
        if (error != ForwarderError.None)
        {
            BffLog.RemoteApiFailed(_logger, localPath.Value ?? "/", error.ToString());
        }
    }

    public void Dispose() => _client.Dispose();

    private sealed class Transformer(RemoteApiForwarder owner, PathString localPath) : HttpTransformer
    {
        public override async ValueTask TransformRequestAsync(HttpContext httpContext, HttpRequestMessage proxyRequest, string destinationPrefix, CancellationToken cancellationToken)
        {
            await base.TransformRequestAsync(httpContext, proxyRequest, destinationPrefix, cancellationToken);
            httpContext.Request.Path.StartsWithSegments(localPath, out var remaining);
            proxyRequest.RequestUri = RequestUtilities.MakeDestinationAddress(destinationPrefix, remaining, httpContext.Request.QueryString);
            ProxiedRequest.Prepare(httpContext, proxyRequest, owner._stripped);
        }

        public override async ValueTask<bool> TransformResponseAsync(HttpContext httpContext, HttpResponseMessage? proxyResponse, CancellationToken cancellationToken)
        {
            var proceed = await base.TransformResponseAsync(httpContext, proxyResponse, cancellationToken);
            owner._cookies.Apply(httpContext.Response);
            return proceed;
        }
    }
}
