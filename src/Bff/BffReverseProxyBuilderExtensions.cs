using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenBff.Proxy;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Duende.BFF's name for the YARP integration, for code moving from it.</summary>
public static class BffReverseProxyBuilderExtensions
{
    /// <summary>
    /// Accepted as Duende.BFF.Yarp spells it (<c>AddReverseProxy().AddBffExtensions()</c>). Here
    /// <c>AddBff()</c> already adds the integration (each route's <c>Bff.*</c> metadata validated at
    /// load, browser credentials stripped, the route's access token attached); calling this as well
    /// adds nothing twice.
    /// </summary>
    public static IReverseProxyBuilder AddBffExtensions(this IReverseProxyBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ITransformProvider, BffTransformProvider>());
        return builder;
    }
}
