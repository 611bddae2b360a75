namespace OpenBff.Proxy;

/// <summary>The access token the BFF resolved for the current proxied request.</summary>
internal sealed class BffAccessTokenFeature
{
    public BffAccessTokenFeature(string accessToken) => AccessToken = accessToken;

    public string AccessToken { get; }
}
