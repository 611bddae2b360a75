using Microsoft.Extensions.Hosting;

namespace Bff.Configuration;

/// <summary>
/// Loads the BFF's key ring (creating the first key when there is none) while the host starts, as
/// ASP.NET Core's own data protection does for the host's key ring: not on the first requests,
/// which would otherwise all wait on the key ring's synchronous load and, on several instances
/// starting together, could each create a key of their own.
/// </summary>
internal sealed class BffDataProtectionWarmup(BffDataProtection dataProtection) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = dataProtection.Provider.CreateProtector("Bff.Warmup").Protect([0]);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
