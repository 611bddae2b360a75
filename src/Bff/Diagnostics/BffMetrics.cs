namespace OpenBff;

/// <summary>
/// The names of the BFF's metrics: one <see cref="System.Diagnostics.Metrics.Meter"/> named
/// <see cref="MeterName"/>, created through the application's <c>IMeterFactory</c>. Listen to it with
/// OpenTelemetry (<c>AddMeter(BffMetrics.MeterName)</c>), <c>dotnet-counters</c> or a <c>MeterListener</c>.
/// </summary>
public static class BffMetrics
{
    /// <summary>The meter's name: <c>Bff</c>.</summary>
    public const string MeterName = "Bff";

    /// <summary>Counter of completed login callbacks; tag <see cref="ResultTag"/> = <c>success</c> | <c>failure</c>.</summary>
    public const string Logins = "bff.logins";

    /// <summary>Counter of ended sessions; tag <see cref="KindTag"/> = <c>user</c> | <c>backchannel</c> | <c>expired</c>.</summary>
    public const string Logouts = "bff.logouts";

    /// <summary>Counter of user access-token refreshes; tag <see cref="ResultTag"/> = <c>success</c> | <c>rejected</c> | <c>unavailable</c>.</summary>
    public const string TokenRefreshes = "bff.token.refreshes";

    /// <summary>Counter of client-credentials token requests; tag <see cref="ResultTag"/> = <c>success</c> | <c>rejected</c> | <c>unavailable</c>.</summary>
    public const string ClientTokenFetches = "bff.client_token.fetches";

    /// <summary>Counter of proxied requests, recorded when the answer is complete; tags <see cref="RouteTag"/> and <see cref="StatusTag"/>.</summary>
    public const string ProxyRequests = "bff.proxy.requests";

    /// <summary>Gauge of the sessions in the session store that have not expired (the store's count, shared by every instance using it; counted in the background at most every 30 s, so up to that much behind).</summary>
    public const string ActiveSessions = "bff.sessions.active";

    /// <summary>Tag: how an operation ended.</summary>
    public const string ResultTag = "result";

    /// <summary>Tag: how a session ended.</summary>
    public const string KindTag = "kind";

    /// <summary>Tag: the YARP route id.</summary>
    public const string RouteTag = "route";

    /// <summary>Tag: the HTTP status code the BFF answered (an integer).</summary>
    public const string StatusTag = "status";
}
