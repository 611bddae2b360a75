using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace Bff.Host;

/// <summary>
/// Forwarded headers (<c>X-Forwarded-For</c>, <c>X-Forwarded-Proto</c>) are honoured only from the
/// proxies listed in <c>Bff:ForwardedHeaders:KnownProxies</c> (IP addresses) or
/// <c>Bff:ForwardedHeaders:KnownNetworks</c> (CIDR ranges). With neither, they are ignored: a
/// client cannot claim to have come over https or from another address.
/// </summary>
internal static class ForwardedHeadersSetup
{
    public static bool Configure(WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("Bff:ForwardedHeaders");
        var proxies = section.GetSection("KnownProxies").Get<string[]>() ?? [];
        var networks = section.GetSection("KnownNetworks").Get<string[]>() ?? [];
        if (proxies.Length == 0 && networks.Length == 0)
        {
            return false;
        }

        var failures = new List<string>();
        var knownProxies = new List<IPAddress>();
        var knownNetworks = new List<System.Net.IPNetwork>();
        foreach (var proxy in proxies)
        {
            if (IPAddress.TryParse(proxy, out var address))
            {
                knownProxies.Add(address);
            }
            else
            {
                failures.Add($"Bff:ForwardedHeaders:KnownProxies entry '{proxy}' is not an IP address.");
            }
        }

        foreach (var network in networks)
        {
            if (System.Net.IPNetwork.TryParse(network, out var parsed))
            {
                knownNetworks.Add(parsed);
            }
            else
            {
                failures.Add($"Bff:ForwardedHeaders:KnownNetworks entry '{network}' is not a CIDR range such as 10.0.0.0/8.");
            }
        }

        if (failures.Count > 0)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException("Bff:ForwardedHeaders", typeof(ForwardedHeadersOptions), failures);
        }

        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            o.ForwardLimit = 1;
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            knownProxies.ForEach(o.KnownProxies.Add);
            knownNetworks.ForEach(o.KnownIPNetworks.Add);
        });
        return true;
    }
}
