namespace OpenBff.AntiForgery;

/// <summary>
/// Marks a BFF management endpoint (<c>/bff/*</c>): never cached, never sniffed, never framed
/// (except the silent-login callback, framed by the SPA itself), and optionally anti-forgery protected.
/// </summary>
internal sealed class BffManagementEndpointMetadata
{
    public static readonly BffManagementEndpointMetadata WithAntiForgery = new(true, false);
    public static readonly BffManagementEndpointMetadata WithoutAntiForgery = new(false, false);
    public static readonly BffManagementEndpointMetadata FramedBySameOrigin = new(false, true);

    private BffManagementEndpointMetadata(bool requiresAntiForgery, bool framedBySameOrigin)
    {
        RequiresAntiForgery = requiresAntiForgery;
        FramedBySameOriginOnly = framedBySameOrigin;
    }

    public bool RequiresAntiForgery { get; }

    public bool FramedBySameOriginOnly { get; }
}
