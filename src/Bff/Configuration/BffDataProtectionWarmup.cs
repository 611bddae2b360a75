using OpenBff.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OpenBff.Configuration;

/// <summary>
/// Loads the BFF's key ring (creating the first key when there is none) while the host starts, as
/// ASP.NET Core's own data protection does for the host's key ring: not on the first requests,
/// which would otherwise all wait on the key ring's synchronous load (measured: thirty concurrent
/// first requests on two nodes ran into the refresh timeout). A key ring that cannot be loaded now
/// (Redis down at start) is logged and loaded at first use: the host still starts.
/// </summary>
internal sealed class BffDataProtectionWarmup(BffDataProtection dataProtection, ILogger<BffDataProtectionWarmup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            _ = dataProtection.Provider.CreateProtector("Bff.Warmup").Protect([0]);
        }
        catch (Exception ex)
        {
            BffLog.KeyRingNotLoadedAtStart(logger, ex.GetType().Name);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
