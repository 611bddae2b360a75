using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace Bff.Tests.Infrastructure;

/// <summary>A test BFF with a second, HTTP/2-only endpoint, for WebSockets over extended CONNECT.</summary>
public static class Http2Bff
{
    /// <summary>
    /// Kestrel speaks cleartext HTTP/2 (h2c, prior knowledge) only on an HTTP/2-only endpoint (an
    /// Http1AndHttp2 one needs TLS and ALPN), so the BFF gets a second one: its base URL is
    /// <c>Http2Url</c>, another origin than <see cref="TestBff.Url"/>.
    /// </summary>
    public static async Task<(TestBff Bff, string Http2Url)> StartBffWithHttp2EndpointAsync(this IdpFixture env)
    {
        ListenOptions? h2c = null;
        var bff = await env.StartBffAsync(services: s => s.Configure<KestrelServerOptions>(o =>
        {
            o.Listen(IPAddress.Loopback, 0);
            o.Listen(IPAddress.Loopback, 0, l => (l.Protocols, h2c) = (HttpProtocols.Http2, l));
        }));
        return (bff, $"http://127.0.0.1:{h2c!.IPEndPoint!.Port}");
    }
}
