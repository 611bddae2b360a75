using System.Diagnostics.Metrics;
using OpenBff.TokenEndpoint;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace OpenBff.Diagnostics;

/// <summary>
/// The instruments of the <see cref="BffMetrics.MeterName"/> meter, created through the
/// application's <see cref="IMeterFactory"/> (so each host, and each test, observes its own).
/// </summary>
internal sealed class BffInstruments
{
    private static readonly KeyValuePair<string, object?> Success = new(BffMetrics.ResultTag, "success");
    private static readonly KeyValuePair<string, object?> Failure = new(BffMetrics.ResultTag, "failure");
    private static readonly KeyValuePair<string, object?> Rejected = new(BffMetrics.ResultTag, "rejected");
    private static readonly KeyValuePair<string, object?> Unavailable = new(BffMetrics.ResultTag, "unavailable");
    private static readonly KeyValuePair<string, object?> UserKind = new(BffMetrics.KindTag, "user");
    private static readonly KeyValuePair<string, object?> BackChannelKind = new(BffMetrics.KindTag, "backchannel");
    private static readonly KeyValuePair<string, object?> ExpiredKind = new(BffMetrics.KindTag, "expired");
    private static readonly KeyValuePair<string, object?> ReplacedKind = new(BffMetrics.KindTag, "replaced");
    private static readonly KeyValuePair<string, object?> LimitKind = new(BffMetrics.KindTag, "limit");
    private static readonly KeyValuePair<string, object?> FrontChannelKind = new(BffMetrics.KindTag, "frontchannel");

    private readonly Counter<long> _logins;
    private readonly Counter<long> _logouts;
    private readonly Counter<long> _tokenRefreshes;
    private readonly Counter<long> _clientTokenFetches;
    private readonly Counter<long> _proxyRequests;

    public BffInstruments(IMeterFactory meterFactory, IActiveSessionSource sessions)
    {
        var meter = meterFactory.Create(BffMetrics.MeterName);
        _logins = meter.CreateCounter<long>(BffMetrics.Logins, "{login}", "Login callbacks, by result.");
        _logouts = meter.CreateCounter<long>(BffMetrics.Logouts, "{session}", "Sessions ended, by kind.");
        _tokenRefreshes = meter.CreateCounter<long>(BffMetrics.TokenRefreshes, "{refresh}", "User access-token refreshes, by result.");
        _clientTokenFetches = meter.CreateCounter<long>(BffMetrics.ClientTokenFetches, "{request}", "Client-credentials token requests, by result.");
        _proxyRequests = meter.CreateCounter<long>(BffMetrics.ProxyRequests, "{request}", "Proxied requests, by route and answered status code.");
        meter.CreateObservableGauge(BffMetrics.ActiveSessions, sessions.Observe, "{session}", "Sessions in the session store that have not expired.");
    }

    /// <summary>The instruments of the application serving <paramref name="context"/>.</summary>
    public static BffInstruments Of(HttpContext context) => context.RequestServices.GetRequiredService<BffInstruments>();

    public void LoginSucceeded() => _logins.Add(1, Success);

    public void LoginFailed() => _logins.Add(1, Failure);

    public void UserLoggedOut() => _logouts.Add(1, UserKind);

    public void BackChannelLoggedOut(int sessions) => _logouts.Add(sessions, BackChannelKind);

    public void SessionsExpired(int sessions) => _logouts.Add(sessions, ExpiredKind);

    /// <summary>A session ended because a new login in the same browser replaced it.</summary>
    public void SessionReplaced() => _logouts.Add(1, ReplacedKind);

    /// <summary>A user's oldest session ended by <c>Bff:Session:MaxPerUser</c>.</summary>
    public void SessionOverLimit() => _logouts.Add(1, LimitKind);

    public void FrontChannelLoggedOut() => _logouts.Add(1, FrontChannelKind);

    public void TokenRefreshed(TokenResponseOutcome outcome) => _tokenRefreshes.Add(1, Result(outcome));

    public void ClientTokenFetched(TokenResponseOutcome outcome) => _clientTokenFetches.Add(1, Result(outcome));

    /// <summary>Counts the proxied request once its answer is complete, with the status the BFF answered.</summary>
    public void TrackProxyRequest(HttpContext context, string routeId)
    {
        if (_proxyRequests.Enabled)
        {
            context.Response.OnCompleted(RecordProxyRequest, new ProxyRequestState(_proxyRequests, context, routeId));
        }
    }

    private static Task RecordProxyRequest(object state)
    {
        var request = (ProxyRequestState)state;
        request.Counter.Add(
            1,
            new KeyValuePair<string, object?>(BffMetrics.RouteTag, request.RouteId),
            new KeyValuePair<string, object?>(BffMetrics.StatusTag, request.Context.Response.StatusCode));
        return Task.CompletedTask;
    }

    private static KeyValuePair<string, object?> Result(TokenResponseOutcome outcome) => outcome switch
    {
        TokenResponseOutcome.Success => Success,
        TokenResponseOutcome.Rejected => Rejected,
        _ => Unavailable,
    };
}
