namespace OpenBff;

/// <summary>Token management settings (<c>Bff:Tokens</c>).</summary>
public sealed class BffTokenOptions
{
    /// <summary>Refresh a user access token this long before it expires. Default 1 minute.</summary>
    public TimeSpan RefreshBeforeExpiry { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long a request waits for a token from the provider (its own refresh, or the one
    /// another request of the same session started) before it is answered 504. Default 5 seconds.
    /// </summary>
    public TimeSpan RefreshTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
