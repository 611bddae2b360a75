namespace OpenBff;

/// <summary>What the proxy forwards of the browser's request (<c>Bff:Proxy</c>).</summary>
public sealed class BffProxyOptions
{
    /// <summary>
    /// Request headers never forwarded to an API by default: headers that some servers and
    /// frameworks read as the client's address, the request's real URL or its real method, which a
    /// browser (or a script in it) must not choose.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultRemovedRequestHeaders =
    [
        "X-Real-IP", "X-Client-IP", "True-Client-IP", "X-Original-URL", "X-Rewrite-URL", "X-Original-Host",
        "X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override",
    ];

    /// <summary>
    /// More request headers never to forward (<c>Bff:Proxy:RemoveRequestHeaders:0</c>, ...), besides
    /// <see cref="DefaultRemovedRequestHeaders"/>.
    /// </summary>
    public IList<string> RemoveRequestHeaders { get; } = [];

    /// <summary>
    /// Headers of <see cref="DefaultRemovedRequestHeaders"/> to forward after all
    /// (<c>Bff:Proxy:KeepRequestHeaders:0</c>, ...), for an API that needs one of them from the browser.
    /// </summary>
    public IList<string> KeepRequestHeaders { get; } = [];

    /// <summary>The headers removed: the defaults less <see cref="KeepRequestHeaders"/>, plus <see cref="RemoveRequestHeaders"/>.</summary>
    internal IReadOnlyList<string> RemovedRequestHeaders() =>
        DefaultRemovedRequestHeaders
            .Where(h => !KeepRequestHeaders.Contains(h, StringComparer.OrdinalIgnoreCase))
            .Concat(RemoveRequestHeaders)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
}
