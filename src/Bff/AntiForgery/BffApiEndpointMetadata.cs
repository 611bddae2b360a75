namespace OpenBff.AntiForgery;

/// <summary>Marks a local endpoint as a BFF API endpoint: anti-forgery header required, 401 instead of a redirect.</summary>
internal sealed class BffApiEndpointMetadata
{
    public static readonly BffApiEndpointMetadata Instance = new();
}
