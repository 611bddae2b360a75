namespace OpenBff;

/// <summary><c>GET /bff/logout</c>: ends the session and signs out at the provider (default: <see cref="DefaultLogoutEndpoint"/>).</summary>
public interface ILogoutEndpoint : IBffEndpoint
{
}
