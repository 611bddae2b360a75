using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace OpenBff.AntiForgery;

/// <summary>
/// Requests that ask to switch protocols: HTTP/1.1 <c>Connection: upgrade</c> (which Kestrel
/// reports as upgradable) and HTTP/2 extended CONNECT (RFC 8441). YARP's forwarder turns both
/// into a two-way stream with the API once the API agrees; WebSocket is the one a browser opens.
/// </summary>
internal static class UpgradeRequest
{
    private const string WebSocket = "websocket";

    /// <summary>
    /// True when the request asks to switch protocols, whatever the protocol: an extended CONNECT,
    /// or <c>Connection: upgrade</c> with an <c>Upgrade</c> header naming one (RFC 9110 §7.8;
    /// <c>Connection: upgrade</c> alone asks for nothing, and YARP forwards it as a plain request).
    /// </summary>
    /// <remarks>
    /// On every proxied request, so the cheap tests come first: an extended CONNECT's method is
    /// CONNECT, and an HTTP/1.1 upgrade has an <c>Upgrade</c> header (a typed field in Kestrel);
    /// the features are looked up only then.
    /// </remarks>
    public static bool Is(HttpContext context)
    {
        var request = context.Request;
        return HttpMethods.IsConnect(request.Method)
            ? context.Features.Get<IHttpExtendedConnectFeature>()?.IsExtendedConnect == true
            : !StringValues.IsNullOrEmpty(request.Headers.Upgrade)
                && context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true;
    }

    /// <summary>
    /// True for a WebSocket handshake as YARP's forwarder recognises one: an upgradable HTTP/1.1
    /// request with <c>Upgrade: websocket</c>, or an extended CONNECT with <c>:protocol websocket</c>.
    /// </summary>
    public static bool IsWebSocket(HttpContext context)
    {
        if (context.Features.Get<IHttpExtendedConnectFeature>() is { IsExtendedConnect: true } connect)
        {
            return string.Equals(connect.Protocol, WebSocket, StringComparison.OrdinalIgnoreCase);
        }

        return context.Features.Get<IHttpUpgradeFeature>()?.IsUpgradableRequest == true
            && context.Request.Headers[HeaderNames.Upgrade] is { Count: 1 } upgrade
            && string.Equals(upgrade[0], WebSocket, StringComparison.OrdinalIgnoreCase);
    }
}
