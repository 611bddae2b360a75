using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OpenBff;

/// <summary>
/// With <c>Bff:PublicOrigin</c> set: a request whose <c>Host</c> is not the public origin's gets 400
/// (so no absolute URL is ever built from a <c>Host</c> the client chose: the OIDC
/// <c>redirect_uri</c> would otherwise follow it), and every other request is given the public
/// origin's scheme and host, which the OpenID Connect handler and the same-origin check read.
/// <c>/health/*</c> is exempt: probes address the instance, and it builds no URL.
/// </summary>
internal sealed class PublicOriginMiddleware
{
    private static readonly PathString HealthPath = "/health";

    private readonly RequestDelegate _next;
    private readonly ILogger<PublicOriginMiddleware> _logger;
    private readonly string? _scheme;
    private readonly HostString _host;

    public PublicOriginMiddleware(RequestDelegate next, IOptions<BffOptions> options, ILogger<PublicOriginMiddleware> logger)
    {
        _next = next;
        _logger = logger;
        if (options.Value.PublicOrigin is { Length: > 0 } origin)
        {
            var uri = new Uri(origin);
            _scheme = uri.Scheme;
            _host = new HostString(uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}");
        }
    }

    public Task InvokeAsync(HttpContext context)
    {
        if (_scheme is null || context.Request.Path.StartsWithSegments(HealthPath))
        {
            return _next(context);
        }

        var request = context.Request;
        if (!string.Equals(request.Host.Value, _host.Value, StringComparison.OrdinalIgnoreCase))
        {
            BffLog.HostRejected(_logger, BffLog.Sanitize(request.Host.Value, 100));
            return Endpoints.BadRequest.WriteAsync(context, "This server answers only for its public origin (Bff:PublicOrigin).", "Host");
        }

        request.Scheme = _scheme;
        request.Host = _host;
        return _next(context);
    }
}
