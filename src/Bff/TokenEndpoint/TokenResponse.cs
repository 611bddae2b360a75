namespace OpenBff.TokenEndpoint;

/// <summary>What the token endpoint answered, reduced to what the BFF needs.</summary>
internal sealed record TokenResponse
{
    public required TokenResponseOutcome Outcome { get; init; }

    public string? AccessToken { get; init; }

    public string? RefreshToken { get; init; }

    public string? IdToken { get; init; }

    public string? TokenType { get; init; }

    public TimeSpan? ExpiresIn { get; init; }

    /// <summary>The OAuth error code, or a short reason when the endpoint could not be used.</summary>
    public string? Error { get; init; }

    public static TokenResponse Unavailable(string reason) => new() { Outcome = TokenResponseOutcome.Unavailable, Error = reason };
}
