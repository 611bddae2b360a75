namespace OpenBff;

/// <summary><c>GET /bff/login</c>: starts a login (default: <see cref="DefaultLoginEndpoint"/>).</summary>
public interface ILoginEndpoint : IBffEndpoint
{
}
