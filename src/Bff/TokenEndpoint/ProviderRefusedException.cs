namespace OpenBff.TokenEndpoint;

/// <summary>
/// The provider answered a step of the login (the pushed authorization request) with an OAuth
/// error: it is reachable and refuses the request, typically a redirect URI or a parameter it does
/// not accept for this client. The user sees 502 with that said, not "cannot be reached".
/// </summary>
internal sealed class ProviderRefusedException : Exception
{
    public ProviderRefusedException()
    {
    }

    public ProviderRefusedException(string message)
        : base(message)
    {
    }

    public ProviderRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ProviderRefusedException(string error, string? description)
        : base(description is { Length: > 0 } ? $"{error}: {description}" : error)
    {
        Error = error;
    }

    /// <summary>The OAuth error code (<c>invalid_request</c>, <c>invalid_redirect_uri</c>...).</summary>
    public string? Error { get; }
}
