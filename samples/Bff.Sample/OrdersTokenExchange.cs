using OpenBff;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Bff.Sample;

/// <summary>
/// The token of the orders API: the user's access token exchanged at the provider's token endpoint
/// (OAuth 2.0 Token Exchange, RFC 8693) for a token whose audience is <c>Sample:OrdersAudience</c>,
/// authenticated with the BFF's own client credentials. The API then sees the user (<c>sub</c>) and
/// the BFF acting for them, in a token it alone accepts. Exchanged tokens are cached until shortly
/// before they expire, per user token (a refreshed user token is exchanged again).
/// </summary>
internal sealed class OrdersTokenExchange(
    IHttpClientFactory clients,
    IMemoryCache cache,
    IOptions<BffOptions> bff,
    IOptions<SampleOptions> sample,
    IOptionsMonitor<OpenIdConnectOptions> oidc,
    ILogger<OrdersTokenExchange> logger) : IAccessTokenRetriever
{
    public const string HttpClientName = "token-exchange";

    /// <summary>Our own error code for a refused exchange: the BFF answers it 502 and does not call the API.</summary>
    public const string ExchangeRefused = "exchange_refused";

    private const string TokenExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange";
    private const string AccessTokenType = "urn:ietf:params:oauth:token-type:access_token";
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromSeconds(30);

    public async Task<AccessTokenRetrievalResult> GetAccessTokenAsync(AccessTokenRetrievalContext context)
    {
        // The user's token, as the BFF would attach it (refreshed first when near expiry).
        var user = await context.HttpContext.GetUserAccessTokenAsync(cancellationToken: context.CancellationToken);
        if (user.IsError)
        {
            return AccessTokenRetrievalResult.Failure(user.Error!); // no_session / session_ended -> 401, others 502/504
        }

        var audience = sample.Value.OrdersAudience!;
        var cacheKey = CacheKey(user.AccessToken!, audience);
        if (cache.TryGetValue(cacheKey, out string? cached) && cached is not null)
        {
            return AccessTokenRetrievalResult.Success(cached);
        }

        var exchanged = await ExchangeAsync(user.AccessToken!, audience, context.CancellationToken);
        if (exchanged.Token is { } token && exchanged.Lifetime > ExpiryMargin)
        {
            cache.Set(cacheKey, token, exchanged.Lifetime - ExpiryMargin);
        }

        return exchanged.Token is null ? AccessTokenRetrievalResult.Failure(exchanged.Error!) : AccessTokenRetrievalResult.Success(exchanged.Token);
    }

    private async Task<(string? Token, TimeSpan Lifetime, string? Error)> ExchangeAsync(string subjectToken, string audience, CancellationToken requestAborted)
    {
        var client = bff.Value.Oidc;
        if (client.ClientAuthentication == ClientAuthenticationMethods.PrivateKeyJwt)
        {
            // This sample authenticates with the client secret only.
            logger.ExchangeUnsupportedClientAuthentication(client.ClientAuthentication);
            return (null, default, ExchangeRefused);
        }

        var form = new Dictionary<string, string>
        {
            ["grant_type"] = TokenExchangeGrant,
            ["subject_token"] = subjectToken,
            ["subject_token_type"] = AccessTokenType,
            ["requested_token_type"] = AccessTokenType,
            ["audience"] = audience,
        };

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(requestAborted);
        timeout.CancelAfter(client.BackchannelTimeout);
        try
        {
            // The token endpoint from the provider's discovery document, as the BFF already loaded it.
            var configuration = await oidc.Get(BffDefaults.OidcScheme).ConfigurationManager!.GetConfigurationAsync(timeout.Token);
            using var request = new HttpRequestMessage(HttpMethod.Post, configuration.TokenEndpoint);
            if (client.ClientAuthentication == ClientAuthenticationMethods.ClientSecretBasic)
            {
                // RFC 6749 §2.3.1: each part form-encoded before Base64.
                var credentials = $"{Uri.EscapeDataString(client.ClientId!)}:{Uri.EscapeDataString(client.ClientSecret!)}";
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
            }
            else
            {
                form["client_id"] = client.ClientId!;
                form["client_secret"] = client.ClientSecret!;
            }

            request.Content = new FormUrlEncodedContent(form);
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(timeout.Token));
            var root = body.RootElement;
            if (!response.IsSuccessStatusCode || !root.TryGetProperty("access_token", out var accessToken) || accessToken.GetString() is not { Length: > 0 } token)
            {
                // The provider's error code only (e.g. invalid_grant, unauthorized_client, invalid_target): never a token.
                logger.ExchangeRefused((int)response.StatusCode, root.TryGetProperty("error", out var error) ? error.GetString() : null);
                return (null, default, ExchangeRefused);
            }

            var lifetime = root.TryGetProperty("expires_in", out var expiresIn) && expiresIn.TryGetInt32(out var seconds) ? TimeSpan.FromSeconds(seconds) : TimeSpan.Zero;
            return (token, lifetime, null);
        }
        catch (OperationCanceledException) when (!requestAborted.IsCancellationRequested)
        {
            logger.ExchangeFailed("timeout");
            return (null, default, ClientCredentialsToken.Timeout); // 504
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException or InvalidOperationException)
        {
            logger.ExchangeFailed(exception.GetType().Name);
            return (null, default, ClientCredentialsToken.ProviderUnavailable); // 502
        }
    }

    /// <summary>A hash of the user's token, so that the cache never holds it.</summary>
    private static string CacheKey(string userToken, string audience) =>
        $"orders-exchange:{audience}:{Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(userToken)))}";
}
