using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Bff.Tests.Infrastructure;

public static class ServerExtensions
{
    /// <summary>The address Kestrel actually bound (tests listen on port 0: no fixed ports, no races).</summary>
    public static string BoundAddress(this WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        return addresses.First().TrimEnd('/');
    }
}
