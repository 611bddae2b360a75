using OpenBff.Core;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OpenBff.Health;

/// <summary>
/// Loads the OpenID Provider's discovery document in the background when the host starts, so the
/// first login does not wait for it. While the provider cannot be reached it retries with
/// exponential backoff (1 s, 2 s, 4 s … at most 60 s), logging each failure; the host keeps running
/// and <c>/health/ready</c> answers 503 until the document is loaded.
/// </summary>
internal sealed class DiscoveryDocumentWarmup : BackgroundService
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(60);

    private readonly IOptionsMonitor<OpenIdConnectOptions> _oidc;
    private readonly TimeProvider _time;
    private readonly ILogger<DiscoveryDocumentWarmup> _logger;

    public DiscoveryDocumentWarmup(IOptionsMonitor<OpenIdConnectOptions> oidc, TimeProvider time, ILogger<DiscoveryDocumentWarmup> logger)
    {
        _oidc = oidc;
        _time = time;
        _logger = logger;
    }

    /// <summary>The wait after the <paramref name="failures"/>-th failure (1-based): 1 s doubling, capped at 60 s.</summary>
    public static TimeSpan RetryDelay(int failures)
    {
        var exponent = Math.Clamp(failures - 1, 0, 30);
        var delay = FirstDelay * Math.Pow(2, exponent);
        return delay < MaxDelay ? delay : MaxDelay;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield(); // never hold up the host's start
        try
        {
            var options = _oidc.Get(BffDefaults.OidcScheme);
            var manager = options.ConfigurationManager;
            if (manager is null)
            {
                return;
            }

            for (var failures = 1; ; failures++)
            {
                try
                {
                    // The manager fetches for everyone and ignores a caller's token: WaitAsync lets a stop end the wait.
                    var configuration = await manager.GetConfigurationAsync(stoppingToken).WaitAsync(stoppingToken);
                    OperationsLog.DiscoveryLoaded(_logger, options.MetadataAddress, configuration.Issuer);
                    return;
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    var delay = RetryDelay(failures);
                    OperationsLog.DiscoveryFailed(_logger, options.MetadataAddress, Describe(ex), delay);
                    await Task.Delay(delay, _time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>The root cause (IdentityModel wraps it twice), on one short line.</summary>
    private static string Describe(Exception exception)
    {
        var cause = exception;
        while (cause.InnerException is not null)
        {
            cause = cause.InnerException;
        }

        return BffLog.Sanitize($"{cause.GetType().Name}: {cause.Message}", 300);
    }
}
