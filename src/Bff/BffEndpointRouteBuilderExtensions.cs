using OpenBff;
using OpenBff.AntiForgery;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the BFF endpoints.</summary>
public static class BffEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>/bff/login</c>, <c>/bff/user</c>, <c>/bff/logout</c>, <c>/bff/backchannel</c>,
    /// <c>/bff/silent-login</c> and <c>/bff/silent-login-callback</c> (under
    /// <c>Bff:ManagementBasePath</c>), and <c>/bff/diagnostics</c> in the Development environment
    /// only. Each is answered by its service (<see cref="ILoginEndpoint"/>, <see cref="IUserEndpoint"/>,
    /// ...), resolved per request, so a host's own registration replaces the default.
    /// </summary>
    public static IEndpointConventionBuilder MapBffManagementEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var basePath = endpoints.ServiceProvider.GetRequiredService<IOptions<BffOptions>>().Value.ManagementBasePath;
        var group = endpoints.MapGroup(basePath);

        group.MapGet("/login", static context => Process<ILoginEndpoint>(context))
            .WithMetadata(BffManagementEndpointMetadata.WithoutAntiForgery);
        group.MapGet("/user", static context => Process<IUserEndpoint>(context))
            .WithMetadata(BffManagementEndpointMetadata.WithAntiForgery);
        group.MapGet("/logout", static context => Process<ILogoutEndpoint>(context))
            .WithMetadata(BffManagementEndpointMetadata.WithoutAntiForgery);
        group.MapGet("/silent-login", static context => Process<ISilentLoginEndpoint>(context))
            .WithMetadata(BffManagementEndpointMetadata.WithoutAntiForgery);
        group.MapGet("/silent-login-callback", static context => Process<ISilentLoginCallbackEndpoint>(context))
            .WithMetadata(BffManagementEndpointMetadata.FramedBySameOrigin);
        group.MapPost("/backchannel", static context => Process<IBackchannelLogoutEndpoint>(context))
            .WithMetadata(BffManagementEndpointMetadata.WithoutAntiForgery)
            .DisableAntiforgery();

        var services = endpoints.ServiceProvider;
        if (services.GetService<IHostEnvironment>()?.IsDevelopment() == true)
        {
            group.MapGet(DiagnosticsPath, static context => Process<IDiagnosticsEndpoint>(context))
                .WithMetadata(BffManagementEndpointMetadata.WithAntiForgery);
            OpenBff.Core.OperationsLog.DiagnosticsEndpointMapped(services.GetRequiredService<ILoggerFactory>().CreateLogger("OpenBff.Diagnostics.DiagnosticsEndpoint"), basePath + DiagnosticsPath);
        }

        return group;
    }

    private const string DiagnosticsPath = "/diagnostics";

    private static Task Process<TEndpoint>(HttpContext context)
        where TEndpoint : IBffEndpoint =>
        context.RequestServices.GetRequiredService<TEndpoint>().ProcessRequestAsync(context, context.RequestAborted);

    /// <summary>
    /// Forwards every request under <paramref name="localPath"/> (any method) to
    /// <paramref name="apiAddress"/> plus the rest of the path and the query, with YARP's forwarder,
    /// without any YARP configuration: the same header stripping and cookie filtering as a proxied
    /// route; the anti-forgery header is required unless <c>.SkipAntiforgery()</c>; no token unless
    /// <c>.WithAccessToken(...)</c> or <c>.WithAccessTokenRetriever&lt;T&gt;()</c>. Needs
    /// <c>AddBff().AddRemoteApis()</c> and <c>app.UseBff()</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>AddRemoteApis()</c> was not called.</exception>
    public static BffRemoteApiEndpointConventionBuilder MapRemoteBffApiEndpoint(this IEndpointRouteBuilder endpoints, PathString localPath, Uri apiAddress)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(apiAddress);
        if (!apiAddress.IsAbsoluteUri || apiAddress.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"The API address '{apiAddress}' must be an absolute http or https URI.", nameof(apiAddress));
        }

        if (!localPath.HasValue || localPath.Value!.EndsWith('/'))
        {
            throw new ArgumentException($"The local path '{localPath}' must start with '/' and not end with one, e.g. /api/orders.", nameof(localPath));
        }

        var forwarder = endpoints.ServiceProvider.GetService<OpenBff.Proxy.RemoteApiForwarder>()
            ?? throw new InvalidOperationException("MapRemoteBffApiEndpoint needs the BFF's remote API services: call services.AddBff().AddRemoteApis().");
        var metadata = new OpenBff.Proxy.BffRemoteApiEndpointMetadata(localPath.Value!);
        var inner = endpoints.Map(
            RoutePatternFactory.Parse(localPath.Value + "/{**bffRemotePath}"),
            context => forwarder.ForwardAsync(context, localPath, apiAddress));
        inner.WithMetadata(metadata);
        inner.WithDisplayName($"BFF remote API {localPath} -> {apiAddress}");
        return new BffRemoteApiEndpointConventionBuilder(inner, metadata);
    }

    /// <summary>
    /// Marks a local endpoint as a BFF API endpoint: it requires the anti-forgery header
    /// (<c>X-CSRF: 1</c>), and an anonymous caller gets 401, never a redirect.
    /// </summary>
    public static TBuilder AsBffApiEndpoint<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithMetadata(BffApiEndpointMetadata.Instance);
    }
}
