using System.Net.Http.Headers;
using Bff.Tokens;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Bff.Proxy;

/// <summary>
/// Validates every route's <c>Bff.*</c> metadata when YARP loads its configuration (a bad value
/// stops the host from starting, naming the route), and on every route strips the browser's
/// <c>Cookie</c>, <c>Authorization</c> and anti-forgery headers and attaches the access token
/// the BFF resolved for the request.
/// </summary>
internal sealed class BffTransformProvider : ITransformProvider
{
    private readonly IOptions<BffOptions> _options;

    public BffTransformProvider(IOptions<BffOptions> options) => _options = options;

    public void ValidateRoute(TransformRouteValidationContext context)
    {
        var errors = new List<string>();
        BffRouteMetadata.Parse(context.Route, errors);
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
        context.AddRequestHeaderRemove(HeaderNames.Cookie);
        context.AddRequestHeaderRemove(HeaderNames.Authorization);
        context.AddRequestHeaderRemove(_options.Value.AntiForgeryHeaderName);
        context.AddRequestHeaderRemove(HeaderNames.ProxyAuthorization);
        context.AddRequestTransform(static transformContext =>
        {
            if (transformContext.HttpContext.Features.Get<BffAccessTokenFeature>() is { } token)
            {
                var headers = transformContext.ProxyRequest.Headers;
                if (TokenValueCache.BearerHeaderValue(token.AccessToken) is { } value)
                {
                    headers.Remove(HeaderNames.Authorization);
                    headers.TryAddWithoutValidation(HeaderNames.Authorization, value); // checked once per token, not parsed per request
                }
                else
                {
                    headers.Authorization = new AuthenticationHeaderValue("Bearer", token.AccessToken);
                }
            }

            return ValueTask.CompletedTask;
        });
    }
}
