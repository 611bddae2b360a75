using Microsoft.Extensions.Logging;

namespace Bff.Diagnostics;

/// <summary>
/// Source-generated log messages of the operator features (event ids 5000s): discovery at start-up,
/// metrics, diagnostics. Like <see cref="BffLog"/>, never a token, code, cookie or secret.
/// </summary>
internal static partial class OperationsLog
{
    [LoggerMessage(5001, LogLevel.Warning, "The OpenID Provider's discovery document at {Url} could not be loaded ({Reason}); retrying in {Delay}.")]
    public static partial void DiscoveryFailed(ILogger logger, string? url, string reason, TimeSpan delay);

    [LoggerMessage(5002, LogLevel.Information, "The OpenID Provider's discovery document at {Url} was loaded (issuer {Issuer}).")]
    public static partial void DiscoveryLoaded(ILogger logger, string? url, string? issuer);

    [LoggerMessage(5003, LogLevel.Debug, "The active sessions could not be counted ({Error}); the gauge reports nothing this time.")]
    public static partial void SessionCountFailed(ILogger logger, string error);

    [LoggerMessage(5004, LogLevel.Warning, "GET {Path} is mapped (Development environment): it shows the claims and token metadata of the caller's session.")]
    public static partial void DiagnosticsEndpointMapped(ILogger logger, string path);
}
