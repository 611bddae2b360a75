using Microsoft.AspNetCore.Http;

namespace OpenBff;

/// <summary>
/// One BFF management endpoint (<c>/bff/login</c>, <c>/bff/user</c>, ...). Each has its own
/// interface (<see cref="ILoginEndpoint"/>, <see cref="IUserEndpoint"/>, ...) and a public default
/// (<see cref="DefaultLoginEndpoint"/>, ...) registered with <c>TryAdd</c>: register your own
/// implementation, before or after <c>AddBff()</c>, to replace it, or derive from the default to
/// add behaviour around it. The endpoint's route, its anti-forgery rule and the BFF middleware in
/// front of it stay the same whatever the implementation.
/// </summary>
public interface IBffEndpoint
{
    /// <summary>Answers the request.</summary>
    /// <param name="context">The request.</param>
    /// <param name="cancellationToken">Aborted when the client goes away (<see cref="HttpContext.RequestAborted"/>).</param>
    Task ProcessRequestAsync(HttpContext context, CancellationToken cancellationToken = default);
}
