namespace OpenBff.TokenEndpoint;

/// <summary>The three things a token request can end in.</summary>
internal enum TokenResponseOutcome
{
    /// <summary>The provider issued tokens.</summary>
    Success,

    /// <summary>The provider refused the grant (e.g. <c>invalid_grant</c>): retrying will not help.</summary>
    Rejected,

    /// <summary>The provider could not be reached, timed out or failed (5xx): retrying later may work.</summary>
    Unavailable,
}
