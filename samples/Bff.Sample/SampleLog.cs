namespace Bff.Sample;

/// <summary>The sample's log messages (source-generated). Never a token or a secret.</summary>
internal static partial class SampleLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Token exchange refused by the provider: {StatusCode} {Error}", EventName = "ExchangeRefused")]
    public static partial void ExchangeRefused(this ILogger logger, int statusCode, string? error);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "Token exchange failed: {Reason}", EventName = "ExchangeFailed")]
    public static partial void ExchangeFailed(this ILogger logger, string reason);

    [LoggerMessage(EventId = 3, Level = LogLevel.Error, Message = "Token exchange needs a client secret; Bff:Oidc:ClientAuthentication is {Method}", EventName = "ExchangeUnsupportedClientAuthentication")]
    public static partial void ExchangeUnsupportedClientAuthentication(this ILogger logger, string method);
}
