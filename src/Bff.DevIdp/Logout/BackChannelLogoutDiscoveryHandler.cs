using OpenIddict.Server;

namespace Bff.DevIdp;

/// <summary>
/// Advertises OIDC Back-Channel Logout 1.0 in the discovery document: <c>backchannel_logout_supported</c> and
/// <c>backchannel_logout_session_supported</c> (logout tokens always carry <c>sid</c>).
/// </summary>
internal sealed class BackChannelLogoutDiscoveryHandler
    : IOpenIddictServerHandler<OpenIddictServerEvents.HandleConfigurationRequestContext>
{
    public const string SupportedMetadata = "backchannel_logout_supported";
    public const string SessionSupportedMetadata = "backchannel_logout_session_supported";

    public ValueTask HandleAsync(OpenIddictServerEvents.HandleConfigurationRequestContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Metadata[SupportedMetadata] = true;
        context.Metadata[SessionSupportedMetadata] = true;
        return ValueTask.CompletedTask;
    }
}
