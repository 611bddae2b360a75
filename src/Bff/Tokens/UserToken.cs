namespace OpenBff;

/// <summary>
/// The current user's access token for local code (<see cref="BffHttpContextExtensions.GetUserAccessTokenAsync"/>),
/// refreshed as the proxy refreshes it, or why there is none.
/// </summary>
public sealed class UserToken : ClientCredentialsToken
{
}
