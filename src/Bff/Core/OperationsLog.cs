using Microsoft.Extensions.Logging;

namespace OpenBff.Core;

/// <summary>
/// Source-generated log messages of the operator features (event ids 5000s): discovery at start-up,
/// metrics, diagnostics. Like <see cref="BffLog"/>, never a token, code, cookie or secret.
/// </summary>
internal static partial class OperationsLog
{
    [LoggerMessage(5005, LogLevel.Warning, "Bff:PublicOrigin is not set: the OpenID Connect redirect_uri and post_logout_redirect_uri are built from each request's Host header, so only the provider's exact redirect-URI match stands between a forged Host and a code sent elsewhere. Set Bff:PublicOrigin to the origin users reach the BFF at (e.g. https://app.example.com); requests for any other Host then get 400.")]
    public static partial void PublicOriginNotSet(ILogger logger);

    [LoggerMessage(5001, LogLevel.Warning, "The OpenID Provider's discovery document at {Url} could not be loaded ({Reason}); retrying in {Delay}.")]
    public static partial void DiscoveryFailed(ILogger logger, string? url, string reason, TimeSpan delay);

    [LoggerMessage(5002, LogLevel.Information, "The OpenID Provider's discovery document at {Url} was loaded (issuer {Issuer}).")]
    public static partial void DiscoveryLoaded(ILogger logger, string? url, string? issuer);

    [LoggerMessage(5003, LogLevel.Debug, "The active sessions could not be counted ({Error}); the gauge keeps reporting the last count until it is {MaxAge} old, and counts again at a collection after the refresh interval.")]
    public static partial void SessionCountFailed(ILogger logger, string error, TimeSpan maxAge);

    [LoggerMessage(5004, LogLevel.Warning, "GET {Path} is mapped (Development environment): it shows the claims and token metadata of the caller's session.")]
    public static partial void DiagnosticsEndpointMapped(ILogger logger, string path);
}
