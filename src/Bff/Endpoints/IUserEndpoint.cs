namespace OpenBff;

/// <summary><c>GET /bff/user</c>: the session's claims (default: <see cref="DefaultUserEndpoint"/>).</summary>
public interface IUserEndpoint : IBffEndpoint
{
}
