using Bff;
using Bff.AntiForgery;
using Bff.Endpoints;
using Bff.Logout;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the BFF endpoints.</summary>
public static class BffEndpointRouteBuilderExtensions
{
    /// <summary>Maps <c>/bff/login</c>, <c>/bff/user</c>, <c>/bff/logout</c>, <c>/bff/backchannel</c> and <c>/bff/silent-login</c> (under <c>Bff:ManagementBasePath</c>), and <c>/bff/diagnostics</c> in the Development environment only.</summary>
    public static IEndpointConventionBuilder MapBffManagementEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var basePath = endpoints.ServiceProvider.GetRequiredService<IOptions<BffOptions>>().Value.ManagementBasePath;
        var group = endpoints.MapGroup(basePath);

        group.MapGet("/login", static context => context.RequestServices.GetRequiredService<LoginEndpoint>().HandleAsync(context))
            .WithMetadata(BffManagementEndpointMetadata.WithoutAntiForgery);
        group.MapGet("/user", static context => context.RequestServices.GetRequiredService<UserEndpoint>().HandleAsync(context))
            .WithMetadata(BffManagementEndpointMetadata.WithAntiForgery);
        group.MapGet("/logout", static context => context.RequestServices.GetRequiredService<LogoutEndpoint>().HandleAsync(context))
            .WithMetadata(BffManagementEndpointMetadata.WithoutAntiForgery);
        group.MapGet("/silent-login", static context => context.RequestServices.GetRequiredService<SilentLoginEndpoint>().HandleAsync(context))
            .WithMetadata(BffManagementEndpointMetadata.WithoutAntiForgery);
        group.MapGet("/silent-login-callback", SilentLoginCallbackEndpoint.HandleAsync)
            .WithMetadata(BffManagementEndpointMetadata.FramedBySameOrigin);
        group.MapPost("/backchannel", static context => context.RequestServices.GetRequiredService<BackChannelLogoutEndpoint>().HandleAsync(context))
            .WithMetadata(BffManagementEndpointMetadata.WithoutAntiForgery)
            .DisableAntiforgery();
        Bff.Diagnostics.DiagnosticsEndpoint.MapIfDevelopment(group, basePath); // /diagnostics, Development only
        return group;
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
