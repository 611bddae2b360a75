using OpenBff.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OpenBff.Diagnostics;

/// <summary>At start in Production: one warning when <c>Bff:PublicOrigin</c> is not set, saying why it matters.</summary>
internal sealed class PublicOriginWarning(IOptions<BffOptions> options, IHostEnvironment environment, ILogger<PublicOriginWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (environment.IsProduction() && string.IsNullOrEmpty(options.Value.PublicOrigin))
        {
            OperationsLog.PublicOriginNotSet(logger);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
