namespace OpenBff.Proxy;

/// <summary>Which access token a proxied route attaches (route metadata <c>Bff.TokenType</c>).</summary>
internal enum RouteTokenType
{
    /// <summary>No token is attached (default).</summary>
    None,

    /// <summary>The user's token; without a session the BFF answers 401.</summary>
    User,

    /// <summary>A client-credentials token of the BFF's own client.</summary>
    Client,

    /// <summary>The user's token when logged in, else the client's.</summary>
    UserOrClient,

    /// <summary>The user's token when logged in, else none.</summary>
    OptionalUser,
}
