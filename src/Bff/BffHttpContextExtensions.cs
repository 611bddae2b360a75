using OpenBff.Tokens;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace OpenBff;

/// <summary>
/// Access tokens for the host's own code (a minimal API, a controller, a SignalR hub) that calls a
/// downstream API itself: the same tokens the proxy attaches, refreshed and single-flighted the
/// same way (one grant per session and API under any concurrency, also across instances).
/// </summary>
public static class BffHttpContextExtensions
{
    /// <summary>
    /// The current user's access token: the session's main token, or with a resource and/or scope
    /// the token of that API (obtained with the session's refresh token on first use, and kept in
    /// the session). Refreshed first when within <c>Bff:Tokens:RefreshBeforeExpiry</c> of expiry,
    /// or when <see cref="UserTokenRequestParameters.ForceRenewal"/>. Never throws for a missing
    /// session or a provider failure: <see cref="ClientCredentialsToken.Error"/> says which.
    /// </summary>
    /// <exception cref="ArgumentException">The resource is not an absolute URI without a fragment.</exception>
    /// <exception cref="InvalidOperationException"><c>AddBff()</c> was not called.</exception>
    public static async Task<UserToken> GetUserAccessTokenAsync(this HttpContext context, UserTokenRequestParameters? parameters = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var api = ApiFor(parameters);
        var manager = Required<UserTokenManager>(context);
        var result = await manager.GetAccessTokenAsync(context, api, routeId: null, parameters?.ForceRenewal ?? false, cancellationToken);
        return new UserToken { AccessToken = result.AccessToken, Expiration = result.ExpiresAt, Error = ErrorOf(result) };
    }

    /// <summary>
    /// The BFF's own access token (client credentials grant) for <paramref name="parameters"/>'
    /// resource and/or scope, cached until <c>Bff:Tokens:RefreshBeforeExpiry</c> before its expiry
    /// and shared by every caller; <see cref="UserTokenRequestParameters.ForceRenewal"/> is ignored.
    /// </summary>
    /// <exception cref="ArgumentException">The resource is not an absolute URI without a fragment.</exception>
    /// <exception cref="InvalidOperationException"><c>AddBff()</c> was not called.</exception>
    public static async Task<ClientCredentialsToken> GetClientAccessTokenAsync(this HttpContext context, UserTokenRequestParameters? parameters = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        _ = ApiFor(parameters); // validates the resource
        var cache = Required<ClientTokenCache>(context);
        var result = await cache.GetAccessTokenAsync(parameters?.Scope, parameters?.Resource, cancellationToken);
        return new ClientCredentialsToken { AccessToken = result.AccessToken, Expiration = result.ExpiresAt, Error = ErrorOf(result) };
    }

    private static ApiTokenKey? ApiFor(UserTokenRequestParameters? parameters)
    {
        if (parameters?.Resource is { } resource && !Core.ResourceIndicator.IsValid(resource))
        {
            throw new ArgumentException($"The resource '{resource}' is not a resource indicator: use an absolute URI without a fragment (RFC 8707), e.g. https://api.example.com/.", nameof(parameters));
        }

        return ApiTokenKey.For(parameters?.Resource, string.IsNullOrWhiteSpace(parameters?.Scope) ? null : parameters.Scope);
    }

    private static T Required<T>(HttpContext context)
        where T : class =>
        context.RequestServices.GetService<T>()
        ?? throw new InvalidOperationException("The BFF's services are not registered: call services.AddBff() when building the host.");

    private static string? ErrorOf(AccessTokenResult result) => result.Status switch
    {
        AccessTokenStatus.Ok => null,
        AccessTokenStatus.NoSession => ClientCredentialsToken.NoSession,
        AccessTokenStatus.SessionEnded => ClientCredentialsToken.SessionEnded,
        AccessTokenStatus.ProviderRejected => ClientCredentialsToken.ProviderRejected,
        AccessTokenStatus.Timeout => ClientCredentialsToken.Timeout,
        _ => ClientCredentialsToken.ProviderUnavailable,
    };
}
