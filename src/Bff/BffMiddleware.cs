using OpenBff.AntiForgery;
using OpenBff.Proxy;
using OpenBff.RealTime;
using OpenBff.Sessions;
using OpenBff.Tokens;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Model;

namespace OpenBff;

/// <summary>
/// Runs after routing and authentication. For BFF endpoints and proxied routes it enforces the
/// anti-forgery header (for WebSocket handshakes, which cannot carry it, the origin instead),
/// marks answers not cacheable, and resolves the access token a proxied route needs before YARP
/// forwards the call (a WebSocket's handshake too), answering 401 / 502 / 504 itself when there is none.
/// </summary>
internal sealed class BffMiddleware
{
    private readonly RequestDelegate _next;
    private readonly IOptions<BffOptions> _options;
    private readonly BffRouteSettingsCache _routes;
    private readonly UserTokenManager _userTokens;
    private readonly ClientTokenCache _clientTokens;
    private readonly RealTimeConnections _connections;
    private readonly Diagnostics.BffInstruments _metrics;
    private readonly ILogger<BffMiddleware> _logger;

    public BffMiddleware(
        RequestDelegate next,
        IOptions<BffOptions> options,
        BffRouteSettingsCache routes,
        UserTokenManager userTokens,
        ClientTokenCache clientTokens,
        RealTimeConnections connections,
        Diagnostics.BffInstruments metrics,
        ILogger<BffMiddleware> logger)
    {
        _metrics = metrics;
        _next = next;
        _options = options;
        _routes = routes;
        _userTokens = userTokens;
        _clientTokens = clientTokens;
        _connections = connections;
        _logger = logger;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        if (endpoint is null)
        {
            return _next(context);
        }

        if (endpoint.Metadata.GetMetadata<RouteModel>() is { } route)
        {
            return ProxyAsync(context, _routes.Get(route.Config), route.Config.RouteId);
        }

        if (endpoint.Metadata.GetMetadata<BffRemoteApiEndpointMetadata>() is { } remote)
        {
            return ProxyAsync(context, remote.Settings, remote.RouteId);
        }

        if (endpoint.Metadata.GetMetadata<BffManagementEndpointMetadata>() is { } management)
        {
            var headers = context.Response.Headers;
            headers.CacheControl = "no-store";
            headers.Pragma = "no-cache";
            headers.XContentTypeOptions = "nosniff";
            if (!management.FramedBySameOriginOnly)
            {
                headers.XFrameOptions = "DENY";
                headers.ContentSecurityPolicy = "frame-ancestors 'none'";
            }

            return !management.RequiresAntiForgery || PassesHeaderAndSite(context, required: true) ? _next(context) : Task.CompletedTask;
        }

        if (endpoint.Metadata.GetMetadata<BffApiEndpointMetadata>() is not null || endpoint.Metadata.GetMetadata<BffApiAttribute>() is not null)
        {
            return RequireAntiForgery(context);
        }

        return _next(context);
    }

    private Task RequireAntiForgery(HttpContext context) =>
        PassesAntiForgery(context, required: true, UpgradeRequest.Is(context)) ? _next(context) : Task.CompletedTask;

    /// <summary>
    /// The CSRF defence of BFF API endpoints and proxied routes. A request that switches protocols
    /// (a WebSocket handshake) must come from the BFF's own origin or an allowed one (403), even
    /// where the header is not <paramref name="required"/>: a browser's WebSocket cannot carry the
    /// header, and the session cookie goes with it from any page of the same site. A browser's
    /// <c>EventSource</c> of the BFF's own site (<see cref="EventSourceRequest"/>) needs no header.
    /// Other requests: <see cref="PassesHeaderAndSite"/>.
    /// </summary>
    private bool PassesAntiForgery(HttpContext context, bool required, bool upgrade)
    {
        if (!upgrade)
        {
            // A browser's EventSource cannot send the header either: its fetch metadata decides.
            return PassesHeaderAndSite(context, required && !EventSourceRequest.IsFromOwnSite(context.Request, _options.Value));
        }

        var request = context.Request;
        if (UpgradeOrigin.Refusal(request, _options.Value) is { } reason)
        {
            BffLog.UpgradeRejected(
                _logger,
                BffLog.Sanitize(request.Path.Value),
                reason,
                BffLog.Sanitize(request.Headers.Origin.ToString(), 100),
                BffLog.Sanitize(request.Headers["Sec-Fetch-Site"].ToString(), 30));
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return false;
        }

        // The origin replaces the header for WebSockets only; a browser sends no other upgrade.
        return UpgradeRequest.IsWebSocket(context) || PassesHeaderAndSite(context, required);
    }

    /// <summary>The anti-forgery header (401 without it) and, for state-changing requests, a same-site origin (403).</summary>
    private bool PassesHeaderAndSite(HttpContext context, bool required)
    {
        if (required && !AntiForgeryHeader.IsPresent(context.Request, _options.Value))
        {
            BffLog.AntiForgeryRejected(_logger, BffLog.Sanitize(context.Request.Path.Value));
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return false;
        }

        if (CrossSiteRequest.IsRejected(context.Request, _options.Value))
        {
            BffLog.CrossSiteRejected(_logger, BffLog.Sanitize(context.Request.Path.Value));
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return false;
        }

        return true;
    }

    private Task ProxyAsync(HttpContext context, BffRouteSettings settings, string routeId)
    {
        _metrics.TrackProxyRequest(context, routeId);
        var upgrade = UpgradeRequest.Is(context);
        if (!PassesAntiForgery(context, settings.AntiForgery, upgrade))
        {
            return Task.CompletedTask;
        }

        if (upgrade || EventStreamRequest.Is(context.Request))
        {
            return ProxyLongLivedAsync(context, settings, routeId, upgrade);
        }

        // A session in use with a fresh token (the common case): attached without a state machine.
        if (settings.TokenType is RouteTokenType.User or RouteTokenType.OptionalUser or RouteTokenType.UserOrClient
            && settings.AccessTokenRetriever is null && settings.AccessTokenRetrieverType is null
            && _userTokens.FreshTokenOfSessionInUse(context, settings.UserToken) is { } fresh)
        {
            context.Features.Set(new BffAccessTokenFeature(new AccessTokenResult(fresh)));
            return _next(context);
        }

        // Not an async method: a token found at once (the session's, or a cached client token)
        // forwards without a state machine of this middleware on the heap while YARP awaits the upstream.
        var attached = AttachTokenAsync(context, settings, routeId);
        if (attached.IsCompletedSuccessfully)
        {
            return attached.Result ? _next(context) : Task.CompletedTask;
        }

        return ForwardOnceAttachedAsync(attached, context);
    }

    private async Task ForwardOnceAttachedAsync(ValueTask<bool> attached, HttpContext context)
    {
        if (await attached)
        {
            await _next(context);
        }
    }

    /// <summary>
    /// An upgrade (a WebSocket) or an event stream with a session is registered under the session's
    /// key for as long as it lasts: the session's end closes it (<see cref="RealTimeConnections"/>).
    /// An upgrade beyond <c>Bff:RealTime:MaxConnectionsPerSession</c> gets 429 (event streams are
    /// not counted: a browser holds few per host over HTTP/1.1). Without a session (a route that
    /// needs none) there is nothing to end or count it by.
    /// </summary>
    private async Task ProxyLongLivedAsync(HttpContext context, BffRouteSettings settings, string routeId, bool upgrade)
    {
        var session = await BffSession.AuthenticateAsync(context);
        var properties = session.Succeeded ? session.Properties : null;
        var key = properties?.GetSessionKey();
        var max = upgrade ? _options.Value.RealTime.MaxConnectionsPerSession : 0;
        using var connection = key is null ? null : _connections.TryOpen(key, context, properties!.ExpiresUtc, max);
        if (key is not null && connection is null)
        {
            BffLog.UpgradeOverLimit(_logger, BffLog.Sanitize(context.Request.Path.Value), max);
            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return;
        }

        if (await AttachTokenAsync(context, settings, routeId))
        {
            await _next(context);
        }
    }

    /// <summary>Sets the route's access token on the request; false after answering 401 / 502 / 504 itself.</summary>
    private async ValueTask<bool> AttachTokenAsync(HttpContext context, BffRouteSettings settings, string routeId)
    {
        var result = await ResolveTokenAsync(context, settings, routeId);
        switch (result.Status)
        {
            case AccessTokenStatus.Ok when result.HasToken:
                context.Features.Set(new BffAccessTokenFeature(in result));
                return true;
            case AccessTokenStatus.Ok:
                return true;
            case AccessTokenStatus.NoSession:
            case AccessTokenStatus.SessionEnded:
                BffLog.UserTokenRequired(_logger, routeId);
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return false;
            case AccessTokenStatus.Timeout:
                context.Response.StatusCode = StatusCodes.Status504GatewayTimeout;
                return false;
            default:
                context.Response.StatusCode = StatusCodes.Status502BadGateway;
                return false;
        }
    }

    private async ValueTask<AccessTokenResult> ResolveTokenAsync(HttpContext context, BffRouteSettings settings, string routeId)
    {
        if (settings.AccessTokenRetriever is not null || settings.AccessTokenRetrieverType is not null)
        {
            return await RetrieveAsync(context, settings, routeId);
        }

        var aborted = context.RequestAborted;
        switch (settings.TokenType)
        {
            case RouteTokenType.User:
                return await _userTokens.GetAccessTokenAsync(context, settings.UserToken, routeId, aborted);
            case RouteTokenType.OptionalUser:
                var optional = await _userTokens.GetAccessTokenAsync(context, settings.UserToken, routeId, aborted);
                return optional.Status == AccessTokenStatus.NoSession ? new AccessTokenResult(AccessTokenStatus.Ok) : optional;
            case RouteTokenType.UserOrClient:
                var user = await _userTokens.GetAccessTokenAsync(context, settings.UserToken, routeId, aborted);
                return user.Status == AccessTokenStatus.NoSession
                    ? await _clientTokens.GetAccessTokenAsync(settings.Scope, settings.Resource, aborted)
                    : user;
            case RouteTokenType.Client:
                return await _clientTokens.GetAccessTokenAsync(settings.Scope, settings.Resource, aborted);
            default:
                return new AccessTokenResult(AccessTokenStatus.Ok);
        }
    }

    /// <summary>The route's own <see cref="IAccessTokenRetriever"/> decides the token.</summary>
    private static async ValueTask<AccessTokenResult> RetrieveAsync(HttpContext context, BffRouteSettings settings, string routeId)
    {
        var retriever = settings.AccessTokenRetriever is { } key
            ? context.RequestServices.GetRequiredKeyedService<IAccessTokenRetriever>(key)
            : (IAccessTokenRetriever)ActivatorUtilities.GetServiceOrCreateInstance(context.RequestServices, settings.AccessTokenRetrieverType!);
        var result = await retriever.GetAccessTokenAsync(new AccessTokenRetrievalContext
        {
            HttpContext = context,
            RouteId = routeId,
            TokenType = settings.RequiredTokenType,
            Resource = settings.Resource,
            Scope = settings.Scope,
        });
        return result switch
        {
            { AccessToken: { } token } => AccessTokenResult.Ok(token, null),
            { Error: null } => new AccessTokenResult(AccessTokenStatus.Ok),
            { Error: ClientCredentialsToken.NoSession } => AccessTokenResult.NoSession,
            { Error: ClientCredentialsToken.SessionEnded } => AccessTokenResult.SessionEnded,
            { Error: ClientCredentialsToken.Timeout } => AccessTokenResult.Timeout,
            { Error: ClientCredentialsToken.ProviderRejected } => AccessTokenResult.ProviderRejected,
            _ => AccessTokenResult.ProviderUnavailable,
        };
    }
}
