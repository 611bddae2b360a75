using OpenBff.Tokens;

namespace OpenBff.Proxy;

/// <summary>The BFF settings of one proxied route, read from its YARP metadata.</summary>
internal sealed record BffRouteSettings
{
    public static readonly BffRouteSettings Default = new();

    private readonly string? _scope;
    private readonly string? _resource;

    public RouteTokenType TokenType { get; init; } = RouteTokenType.None;

    public bool AntiForgery { get; init; } = true;

    /// <summary>Scope of the route's token (<c>Bff.Scope</c>): of the client-credentials token, and of the user token for this API.</summary>
    public string? Scope
    {
        get => _scope;
        init
        {
            _scope = value;
            UserToken = ApiTokenKey.For(_resource, _scope);
        }
    }

    /// <summary>RFC 8707 resource indicator of the route's token (<c>Bff.Resource</c>), for client and user tokens alike.</summary>
    public string? Resource
    {
        get => _resource;
        init
        {
            _resource = value;
            UserToken = ApiTokenKey.For(_resource, _scope);
        }
    }

    /// <summary>
    /// Where the session keeps the user's token for this route's API, or null when the route
    /// uses the session's main access token (no <c>Bff.Scope</c> or <c>Bff.Resource</c>).
    /// </summary>
    public ApiTokenKey? UserToken { get; private init; }

    /// <summary>The key of the route's keyed <see cref="IAccessTokenRetriever"/> (<c>Bff.AccessTokenRetriever</c>), or null.</summary>
    public string? AccessTokenRetriever { get; init; }

    /// <summary>The type of the route's <see cref="IAccessTokenRetriever"/> (<c>WithAccessTokenRetriever&lt;T&gt;()</c>), or null.</summary>
    public Type? AccessTokenRetrieverType { get; init; }

    /// <summary>The route's token type as the public API names it.</summary>
    public RequiredTokenType RequiredTokenType => TokenType switch
    {
        RouteTokenType.User => RequiredTokenType.User,
        RouteTokenType.Client => RequiredTokenType.Client,
        RouteTokenType.UserOrClient => RequiredTokenType.UserOrClient,
        RouteTokenType.OptionalUser => RequiredTokenType.UserOrNone,
        _ => RequiredTokenType.None,
    };
}
