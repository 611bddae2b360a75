using Microsoft.AspNetCore.Authentication;

namespace OpenBff;

/// <summary>
/// Adds to, changes or removes the claims <c>/bff/user</c> returns (Duende.BFF's interface of the
/// same name), after authentication: it can call other services, e.g. with the user's access token
/// (<see cref="BffHttpContextExtensions.GetUserAccessTokenAsync"/>). Register it in the host's
/// services (any lifetime); none is registered by default. The list it receives has the session's
/// claims followed by <c>bff:logout_url</c> and <c>bff:session_expires_in</c>.
/// </summary>
public interface IUserEndpointClaimsEnricher
{
    /// <summary>The claims to return instead of <paramref name="claims"/>.</summary>
    Task<IReadOnlyList<ClaimRecord>> EnrichClaimsAsync(AuthenticateResult authenticateResult, IReadOnlyList<ClaimRecord> claims, CancellationToken cancellationToken);
}
