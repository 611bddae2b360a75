namespace OpenBff.Proxy;

/// <summary>
/// Marks an endpoint mapped with <c>MapRemoteBffApiEndpoint</c>: the BFF middleware treats it as
/// a proxied route with these settings (anti-forgery, token), and its handler forwards the call.
/// Set up by the convention builder before the host starts; read-only afterwards.
/// </summary>
internal sealed class BffRemoteApiEndpointMetadata(string routeId)
{
    public string RouteId { get; } = routeId;

    public BffRouteSettings Settings { get; set; } = BffRouteSettings.Default with { };
}
