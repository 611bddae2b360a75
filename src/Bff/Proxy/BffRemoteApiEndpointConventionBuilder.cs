using OpenBff.Proxy;
using Microsoft.AspNetCore.Builder;

namespace OpenBff;

/// <summary>
/// Configures a remote API endpoint mapped with <c>MapRemoteBffApiEndpoint</c>: which token it
/// sends (none by default, as a YARP route without <c>Bff.TokenType</c>), whether it requires the
/// anti-forgery header (yes by default), and an <see cref="IAccessTokenRetriever"/> of its own.
/// </summary>
public sealed class BffRemoteApiEndpointConventionBuilder : IEndpointConventionBuilder
{
    private readonly IEndpointConventionBuilder _inner;
    private readonly BffRemoteApiEndpointMetadata _metadata;

    internal BffRemoteApiEndpointConventionBuilder(IEndpointConventionBuilder inner, BffRemoteApiEndpointMetadata metadata)
    {
        _inner = inner;
        _metadata = metadata;
    }

    /// <summary>
    /// Sends the access token of <paramref name="type"/> (default the user's), for the API named by
    /// <paramref name="scope"/> and/or <paramref name="resource"/> (an RFC 8707 resource indicator)
    /// when given, as a route's <c>Bff.TokenType</c>, <c>Bff.Scope</c> and <c>Bff.Resource</c> do.
    /// </summary>
    /// <exception cref="ArgumentException">The resource is not an absolute URI without a fragment, or scope/resource with <see cref="RequiredTokenType.None"/>.</exception>
    public BffRemoteApiEndpointConventionBuilder WithAccessToken(RequiredTokenType type = RequiredTokenType.User, string? scope = null, string? resource = null)
    {
        if (resource is not null && !Core.ResourceIndicator.IsValid(resource))
        {
            throw new ArgumentException($"The resource '{resource}' is not an absolute URI without a fragment (RFC 8707).", nameof(resource));
        }

        if (type == RequiredTokenType.None && (scope is not null || resource is not null))
        {
            throw new ArgumentException("A scope or resource names the token the endpoint sends; RequiredTokenType.None sends none.", nameof(type));
        }

        _metadata.Settings = _metadata.Settings with
        {
            TokenType = type switch
            {
                RequiredTokenType.User => RouteTokenType.User,
                RequiredTokenType.Client => RouteTokenType.Client,
                RequiredTokenType.UserOrClient => RouteTokenType.UserOrClient,
                RequiredTokenType.UserOrNone => RouteTokenType.OptionalUser,
                _ => RouteTokenType.None,
            },
            Scope = string.IsNullOrWhiteSpace(scope) ? null : scope,
            Resource = resource,
        };
        return this;
    }

    /// <summary>Does not require the anti-forgery header (e.g. an API that browsers reach with plain links). Same-site checks of state-changing requests still apply.</summary>
    public BffRemoteApiEndpointConventionBuilder SkipAntiforgery()
    {
        _metadata.Settings = _metadata.Settings with { AntiForgery = false };
        return this;
    }

    /// <summary>
    /// Lets <typeparamref name="TRetriever"/> decide the token (resolved from the request's
    /// services, or created with them when not registered).
    /// </summary>
    public BffRemoteApiEndpointConventionBuilder WithAccessTokenRetriever<TRetriever>()
        where TRetriever : class, IAccessTokenRetriever
    {
        _metadata.Settings = _metadata.Settings with { AccessTokenRetrieverType = typeof(TRetriever) };
        return this;
    }

    /// <inheritdoc/>
    public void Add(Action<EndpointBuilder> convention) => _inner.Add(convention);

    /// <inheritdoc/>
    public void Finally(Action<EndpointBuilder> finallyConvention) => _inner.Finally(finallyConvention);
}
