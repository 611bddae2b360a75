using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace OpenBff.TokenEndpoint;

/// <summary>
/// Talks to the provider's token and revocation endpoints as the BFF's confidential client,
/// with the OpenID Connect handler's discovery document and back-channel <see cref="HttpClient"/>.
/// </summary>
internal sealed class TokenEndpointClient
{
    private readonly IOptionsMonitor<OpenIdConnectOptions> _oidcOptions;
    private readonly IOptionsMonitor<BffOptions> _bffOptions;
    private readonly ClientAssertionSigner _assertions;

    public TokenEndpointClient(IOptionsMonitor<OpenIdConnectOptions> oidcOptions, IOptionsMonitor<BffOptions> bffOptions, ClientAssertionSigner assertions)
    {
        _oidcOptions = oidcOptions;
        _bffOptions = bffOptions;
        _assertions = assertions;
    }

    private OpenIdConnectOptions Oidc => _oidcOptions.Get(BffDefaults.OidcScheme);

    /// <summary>The refresh_token grant, for the given RFC 8707 <paramref name="resource"/> and/or <paramref name="scope"/> when not null.</summary>
    public Task<TokenResponse> RefreshAsync(string refreshToken, string? resource, string? scope, CancellationToken cancellationToken)
    {
        List<KeyValuePair<string, string>> parameters = [new("grant_type", "refresh_token"), new("refresh_token", refreshToken)];
        AddIfPresent(parameters, "scope", scope);
        AddIfPresent(parameters, "resource", resource);
        return RequestTokenAsync(parameters, cancellationToken);
    }

    public Task<TokenResponse> RedeemCodeAsync(OpenIdConnectMessage request, CancellationToken cancellationToken)
    {
        return RequestTokenAsync(WithoutClientCredentials(request), cancellationToken);
    }

    public Task<TokenResponse> ClientCredentialsAsync(string? scope, string? resource, CancellationToken cancellationToken)
    {
        List<KeyValuePair<string, string>> parameters = [new("grant_type", "client_credentials")];
        AddIfPresent(parameters, "scope", scope);
        AddIfPresent(parameters, "resource", resource);
        return RequestTokenAsync(parameters, cancellationToken);
    }

    private static void AddIfPresent(List<KeyValuePair<string, string>> parameters, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            parameters.Add(new(name, value));
        }
    }

    /// <summary>Revokes a token (RFC 7009). Returns false with a reason when it could not.</summary>
    public async Task<(bool Revoked, string? Reason)> RevokeAsync(string token, string tokenTypeHint, CancellationToken cancellationToken)
    {
        OpenIdConnectConfiguration configuration;
        try
        {
            configuration = await Oidc.ConfigurationManager!.GetConfigurationAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return (false, "discovery document unavailable");
        }

        var endpoint = configuration.RevocationEndpoint;
        if (string.IsNullOrEmpty(endpoint))
        {
            return (false, null);
        }

        using var request = CreateRequest(endpoint, configuration.Issuer, [new("token", token), new("token_type_hint", tokenTypeHint)]);
        try
        {
            using var response = await Oidc.Backchannel.SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode ? (true, null) : (false, $"status {(int)response.StatusCode}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            return (false, ex is TaskCanceledException ? "timeout" : "unreachable");
        }
    }

    private async Task<TokenResponse> RequestTokenAsync(List<KeyValuePair<string, string>> parameters, CancellationToken cancellationToken)
    {
        string endpoint;
        string issuer;
        try
        {
            var configuration = await Oidc.ConfigurationManager!.GetConfigurationAsync(cancellationToken);
            endpoint = configuration.TokenEndpoint;
            issuer = configuration.Issuer;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return TokenResponse.Unavailable("discovery document unavailable");
        }

        if (string.IsNullOrEmpty(endpoint))
        {
            return TokenResponse.Unavailable("no token endpoint in the discovery document");
        }

        using var request = CreateRequest(endpoint, issuer, parameters);
        HttpResponseMessage response;
        try
        {
            response = await Oidc.Backchannel.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException)
        {
            return TokenResponse.Unavailable("unreachable");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return TokenResponse.Unavailable("timeout");
        }

        using (response)
        {
            return await ReadAsync(response, cancellationToken);
        }
    }

    /// <summary>
    /// Pushes an authorization request (RFC 9126) with the configured client authentication;
    /// returns its <c>request_uri</c>, or throws <see cref="ProviderUnavailableException"/>.
    /// </summary>
    public async Task<string> PushAuthorizationAsync(OpenIdConnectMessage authorizationRequest, IEnumerable<string> moreResources, CancellationToken cancellationToken)
    {
        var configuration = await Oidc.ConfigurationManager!.GetConfigurationAsync(cancellationToken);
        var parameters = WithoutClientCredentials(authorizationRequest);
        parameters.AddRange(moreResources.Select(resource => new KeyValuePair<string, string>("resource", resource)));
        using var request = CreateRequest(configuration.PushedAuthorizationRequestEndpoint, configuration.Issuer, parameters);
        try
        {
            using var response = await Oidc.Backchannel.SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode || status is >= 400 and < 500)
            {
                using var json = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
                var root = json.RootElement;
                if (root.ValueKind == JsonValueKind.Object && response.IsSuccessStatusCode && GetString(root, "request_uri") is { Length: > 0 } requestUri)
                {
                    return requestUri;
                }

                if (root.ValueKind == JsonValueKind.Object && !response.IsSuccessStatusCode)
                {
                    // RFC 9126 §2.3: the provider answered and said no (a redirect URI it does not know, a parameter it refuses).
                    throw new ProviderRefusedException(
                        BffLog.Sanitize(GetString(root, "error") ?? $"status {status}", 64),
                        BffLog.Sanitize(GetString(root, "error_description"), 200));
                }
            }

            throw new ProviderUnavailableException($"the pushed authorization request failed (status {status})");
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            throw new ProviderUnavailableException("the pushed authorization request failed", ex);
        }
    }

    /// <summary>A message the OIDC handler built, less its client credentials: <see cref="CreateRequest"/> adds the configured ones.</summary>
    private static List<KeyValuePair<string, string>> WithoutClientCredentials(OpenIdConnectMessage message) =>
        message.Parameters
            .Where(p => p.Key is not ("client_id" or "client_secret"))
            .Select(p => new KeyValuePair<string, string>(p.Key, p.Value))
            .ToList();

    private HttpRequestMessage CreateRequest(string endpoint, string issuer, List<KeyValuePair<string, string>> parameters)
    {
        var oidc = _bffOptions.CurrentValue.Oidc;
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        switch (oidc.ClientAuthentication)
        {
            case ClientAuthenticationMethods.ClientSecretBasic:
                // RFC 6749 §2.3.1: both parts form-urlencoded before base64.
                var credentials = $"{Uri.EscapeDataString(oidc.ClientId!)}:{Uri.EscapeDataString(oidc.ClientSecret!)}";
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
                break;
            case ClientAuthenticationMethods.PrivateKeyJwt:
                parameters.Add(new("client_id", oidc.ClientId!));
                parameters.Add(new("client_assertion_type", ClientAssertionSigner.AssertionType));
                parameters.Add(new("client_assertion", _assertions.CreateAssertion(issuer)));
                break;
            default:
                parameters.Add(new("client_id", oidc.ClientId!));
                parameters.Add(new("client_secret", oidc.ClientSecret!));
                break;
        }

        request.Content = new FormUrlEncodedContent(parameters);
        return request;
    }

    private static async Task<TokenResponse> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        if (status >= 500)
        {
            return TokenResponse.Unavailable($"status {status}");
        }

        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
        }
        catch (JsonException)
        {
            return TokenResponse.Unavailable($"status {status} without a JSON body");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return TokenResponse.Unavailable($"status {status} with an unexpected body");
            }

            if (!response.IsSuccessStatusCode || root.TryGetProperty("error", out _))
            {
                var error = GetString(root, "error") ?? $"status {status}";
                return new TokenResponse { Outcome = TokenResponseOutcome.Rejected, Error = BffLog.Sanitize(error, 64) };
            }

            var accessToken = GetString(root, "access_token");
            if (string.IsNullOrEmpty(accessToken))
            {
                return TokenResponse.Unavailable("no access_token in the token response");
            }

            return new TokenResponse
            {
                Outcome = TokenResponseOutcome.Success,
                AccessToken = accessToken,
                RefreshToken = GetString(root, "refresh_token"),
                IdToken = GetString(root, "id_token"),
                TokenType = GetString(root, "token_type"),
                ExpiresIn = GetSeconds(root, "expires_in"),
            };
        }
    }

    private static TimeSpan? GetSeconds(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value))
        {
            return null;
        }

        long seconds;
        var parsed = value.ValueKind switch
        {
            JsonValueKind.Number => value.TryGetInt64(out seconds),
            JsonValueKind.String => long.TryParse(value.GetString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out seconds),
            _ => (seconds = 0) != 0,
        };
        return parsed && seconds > 0 ? TimeSpan.FromSeconds(seconds) : null;
    }

    private static string? GetString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
