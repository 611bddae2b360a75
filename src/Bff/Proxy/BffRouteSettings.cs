namespace Bff.Proxy;

/// <summary>The BFF settings of one proxied route, read from its YARP metadata.</summary>
internal sealed record BffRouteSettings
{
    public static readonly BffRouteSettings Default = new();

    public RouteTokenType TokenType { get; init; } = RouteTokenType.None;

    public bool AntiForgery { get; init; } = true;

    /// <summary>Scope of the client-credentials token (<c>Bff.Scope</c>).</summary>
    public string? Scope { get; init; }

    /// <summary>RFC 8707 resource indicator of the client-credentials token (<c>Bff.Resource</c>).</summary>
    public string? Resource { get; init; }
}
