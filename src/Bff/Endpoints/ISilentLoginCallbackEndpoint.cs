namespace OpenBff;

/// <summary><c>GET /bff/silent-login-callback</c>: the page a silent login ends on (default: <see cref="DefaultSilentLoginCallbackEndpoint"/>).</summary>
public interface ISilentLoginCallbackEndpoint : IBffEndpoint
{
}
