namespace OpenBff;

/// <summary><c>POST /bff/backchannel</c>: OIDC Back-Channel Logout 1.0 (default: <see cref="DefaultBackchannelLogoutEndpoint"/>).</summary>
public interface IBackchannelLogoutEndpoint : IBffEndpoint
{
}
