namespace OpenBff.Proxy;

/// <summary>The access token the BFF middleware resolved for the request, for the forwarder's transform to attach.</summary>
internal sealed class BffAccessTokenFeature
{
    public BffAccessTokenFeature(string accessToken, string? headerValue = null)
    {
        AccessToken = accessToken;
        HeaderValue = headerValue;
    }

    public string AccessToken { get; }

    /// <summary><c>Bearer {token}</c> when already made (a session's cached token); null: made or looked up when attached.</summary>
    public string? HeaderValue { get; }
}
