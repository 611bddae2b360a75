using System.Runtime.CompilerServices;
using Yarp.ReverseProxy.Configuration;

namespace OpenBff.Proxy;

/// <summary>Parses each route's metadata once per configuration version, not per request.</summary>
internal sealed class BffRouteSettingsCache
{
    private readonly ConditionalWeakTable<RouteConfig, BffRouteSettings> _settings = new();

    public BffRouteSettings Get(RouteConfig route) =>
        _settings.GetValue(route, static r => BffRouteMetadata.Parse(r, []));
}
