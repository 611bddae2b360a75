using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace OpenBff.Proxy;

/// <summary>
/// Validates every route's <c>Bff.*</c> metadata when YARP loads its configuration (a bad value
/// stops the host from starting, naming the route), and on every route strips the browser's
/// <c>Cookie</c>, <c>Authorization</c> and anti-forgery headers and attaches the access token
/// the BFF resolved for the request.
/// </summary>
internal sealed class BffTransformProvider : ITransformProvider
{
    private readonly IOptions<BffOptions> _options;
    private readonly BffCookieFilter _cookies;
    private readonly IServiceProvider _services;
    private readonly StrippedRequestHeaders _stripped;

    public BffTransformProvider(IOptions<BffOptions> options, BffCookieFilter cookies, StrippedRequestHeaders stripped, IServiceProvider services)
    {
        _stripped = stripped;
        _options = options;
        _cookies = cookies;
        _services = services;
    }

    public void ValidateRoute(TransformRouteValidationContext context)
    {
        var errors = new List<string>();
        var settings = BffRouteMetadata.Parse(context.Route, errors);
        var resources = _options.Value.Oidc.Resources;
        if (settings.Resource is { } resource && resources.Count > 0
            && settings.TokenType is RouteTokenType.User or RouteTokenType.OptionalUser or RouteTokenType.UserOrClient
            && !resources.Contains(resource, StringComparer.Ordinal))
        {
            // RFC 8707 §2.2: a refresh may only ask for resources the authorization request named.
            errors.Add($"Route '{context.Route.RouteId}': {BffRouteMetadata.Resource} '{resource}' is not in Bff:Oidc:Resources ({string.Join(", ", resources)}); the provider grants user tokens only for the resources the login asked for. Add it to Bff:Oidc:Resources.");
        }

        if (settings.AccessTokenRetriever is { } key
            && _services.GetService<IServiceProviderIsKeyedService>()?.IsKeyedService(typeof(IAccessTokenRetriever), key) != true)
        {
            errors.Add($"Route '{context.Route.RouteId}': {BffRouteMetadata.AccessTokenRetriever} '{key}' is not registered. Register it: services.AddKeyedSingleton<IAccessTokenRetriever, YourRetriever>(\"{key}\").");
        }

        foreach (var error in errors)
        {
            context.Errors.Add(new InvalidOperationException(error));
        }
    }

    public void ValidateCluster(TransformClusterValidationContext context)
    {
    }

    public void Apply(TransformBuilderContext context)
    {
        // One transform for the whole of it: YARP runs each transform of a route in turn on every
        // request, and one removal transform per stripped header asked the request for each name.
        var stripped = _stripped;
        context.AddRequestTransform(transformContext =>
        {
            ProxiedRequest.Prepare(transformContext.HttpContext, transformContext.ProxyRequest, stripped);
            return ValueTask.CompletedTask;
        });
        var cookies = _cookies;
        context.AddResponseTransform(transformContext =>
        {
            cookies.Apply(transformContext.HttpContext.Response);
            return ValueTask.CompletedTask;
        });
    }
}
