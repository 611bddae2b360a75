namespace Bff.AntiForgery;

/// <summary>Marks a BFF management endpoint (<c>/bff/*</c>): never cached, and optionally anti-forgery protected.</summary>
internal sealed class BffManagementEndpointMetadata
{
    public static readonly BffManagementEndpointMetadata WithAntiForgery = new(true);
    public static readonly BffManagementEndpointMetadata WithoutAntiForgery = new(false);

    private BffManagementEndpointMetadata(bool requiresAntiForgery) => RequiresAntiForgery = requiresAntiForgery;

    public bool RequiresAntiForgery { get; }
}
