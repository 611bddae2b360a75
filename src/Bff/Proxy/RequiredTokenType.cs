namespace OpenBff;

/// <summary>Which access token a route attaches (Duende.BFF's enum of the same name; <c>Bff.TokenType</c>).</summary>
public enum RequiredTokenType
{
    /// <summary>None.</summary>
    None,

    /// <summary>The user's; 401 without a session.</summary>
    User,

    /// <summary>The BFF's own (client credentials).</summary>
    Client,

    /// <summary>The user's when logged in, else the BFF's own.</summary>
    UserOrClient,

    /// <summary>The user's when logged in, else none (our <c>OptionalUser</c>).</summary>
    UserOrNone,
}
