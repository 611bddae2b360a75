namespace OpenBff;

/// <summary><c>GET /bff/silent-login</c>: a <c>prompt=none</c> login in a hidden iframe (default: <see cref="DefaultSilentLoginEndpoint"/>).</summary>
public interface ISilentLoginEndpoint : IBffEndpoint
{
}
