namespace Bff.Host;

/// <summary>Where the host finds the SPA's static files (<c>Bff:Spa</c>).</summary>
public sealed class SpaOptions
{
    /// <summary>Folder of the built SPA, relative to the app's folder or absolute. Default <c>wwwroot</c>.</summary>
    public string Path { get; set; } = "wwwroot";
}
