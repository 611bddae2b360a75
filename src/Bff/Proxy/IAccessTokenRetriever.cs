namespace OpenBff;

/// <summary>
/// Decides the access token a proxied route sends, instead of the BFF's own choice, for the routes
/// that name it: token exchange (RFC 8693) for one API, impersonation, a token from another
/// system. Register it as a keyed service and name the key in the route's
/// <c>Bff.AccessTokenRetriever</c> metadata:
/// <c>services.AddKeyedSingleton&lt;IAccessTokenRetriever, MyExchange&gt;("exchange")</c>. A route
/// naming a key nobody registered stops the host at start.
/// </summary>
public interface IAccessTokenRetriever
{
    /// <summary>The token to send (or none), or why the request must fail (<see cref="AccessTokenRetrievalResult.Error"/>).</summary>
    Task<AccessTokenRetrievalResult> GetAccessTokenAsync(AccessTokenRetrievalContext context);
}
