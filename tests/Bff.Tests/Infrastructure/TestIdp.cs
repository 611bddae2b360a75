using Bff.DevIdp;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace Bff.Tests.Infrastructure;

/// <summary>The real dev OpenID Provider (OpenIddict), on a free loopback port, recording every request.</summary>
public sealed class TestIdp : IAsyncDisposable
{
    private readonly TempDirectory _data;
    private WebApplication? _app;
    private TimeSpan _reuseLeeway;
    private IReadOnlyList<string> _tokenExchangeAudiences = [];
    private bool _sessionIdInIdentityToken = true;
    private TimeSpan? _accessTokenLifetime;

    private TestIdp(TempDirectory data, CapturingLoggerProvider logs)
    {
        _data = data;
        Logs = logs;
    }

    public RequestRecorder Recorder { get; } = new();

    public CapturingLoggerProvider Logs { get; }

    public string Url { get; private set; } = string.Empty;

    public IServiceProvider Services => _app!.Services;

    /// <summary>
    /// Starts the dev IdP; <paramref name="reuseLeeway"/> is how long a redeemed refresh token is
    /// accepted again (<c>Idp:RefreshTokenReuseLeeway</c>), zero unless a test needs a provider's reuse interval;
    /// <paramref name="tokenExchangeAudiences"/> turns the token exchange grant on for them (<c>Idp:TokenExchangeAudiences</c>);
    /// <paramref name="sessionIdInIdentityToken"/> <c>false</c> issues ID tokens without <c>sid</c> (<c>Idp:SessionIdInIdentityToken</c>);
    /// <paramref name="accessTokenLifetime"/> replaces the 5 minutes of its access tokens (<c>Idp:AccessTokenLifetime</c>).
    /// </summary>
    public static async Task<TestIdp> StartAsync(CapturingLoggerProvider? logs = null, TempDirectory? data = null, string? url = null, TimeSpan? reuseLeeway = null, IReadOnlyList<string>? tokenExchangeAudiences = null, bool sessionIdInIdentityToken = true, TimeSpan? accessTokenLifetime = null)
    {
        var idp = new TestIdp(data ?? new TempDirectory("bff-idp"), logs ?? new CapturingLoggerProvider())
        {
            _reuseLeeway = reuseLeeway ?? TimeSpan.Zero,
            _tokenExchangeAudiences = tokenExchangeAudiences ?? [],
            _sessionIdInIdentityToken = sessionIdInIdentityToken,
            _accessTokenLifetime = accessTokenLifetime,
        };
        await idp.RunAsync(url ?? "http://127.0.0.1:0");
        return idp;
    }

    /// <summary>Stops the IdP (an outage), keeping its data and port for <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public Task RestartAsync() => RunAsync(Url);

    /// <summary>
    /// Registers a confidential client for one BFF under test, so each test sees only its own
    /// traffic. With <paramref name="publicKey"/> the client authenticates with private_key_jwt
    /// and has no secret. With <paramref name="tokenExchangeAudiences"/> it may also use the token
    /// exchange grant for those audiences (the IdP must have been started with them).
    /// </summary>
    public async Task<(string ClientId, string ClientSecret)> RegisterClientAsync(string bffUrl, Microsoft.IdentityModel.Tokens.JsonWebKey? publicKey = null, IReadOnlyList<string>? tokenExchangeAudiences = null)
    {
        var clientId = $"bff-test-{Guid.NewGuid():N}";
        var secret = publicKey is null ? $"secret-{Guid.NewGuid():N}" : null;
        await using var scope = Services.CreateAsyncScope();
        var manager = scope.ServiceProvider.GetRequiredService<IOpenIddictApplicationManager>();
        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            JsonWebKeySet = publicKey is null ? null : new Microsoft.IdentityModel.Tokens.JsonWebKeySet { Keys = { publicKey } },
            ClientType = ClientTypes.Confidential,
            RedirectUris = { new Uri($"{bffUrl}/signin-oidc") },
            PostLogoutRedirectUris = { new Uri($"{bffUrl}/signout-callback-oidc") },
            Permissions =
            {
                Permissions.Endpoints.Authorization,
                Permissions.Endpoints.Token,
                Permissions.Endpoints.EndSession,
                Permissions.Endpoints.Revocation,
                Permissions.Endpoints.PushedAuthorization,
                Permissions.GrantTypes.AuthorizationCode,
                Permissions.GrantTypes.RefreshToken,
                Permissions.GrantTypes.ClientCredentials,
                Permissions.ResponseTypes.Code,
                Permissions.Scopes.Profile,
                Permissions.Scopes.Email,
                Permissions.Prefixes.Scope + "offline_access",
                Permissions.Prefixes.Scope + "api",
            },
            Requirements = { Requirements.Features.ProofKeyForCodeExchange },
        };
        if (tokenExchangeAudiences is { Count: > 0 })
        {
            descriptor.Permissions.Add(Permissions.GrantTypes.TokenExchange);
            descriptor.Permissions.UnionWith(tokenExchangeAudiences.Select(audience => Permissions.Prefixes.Audience + audience));
        }

        descriptor.Properties["backchannel_logout_uri"] = System.Text.Json.JsonSerializer.SerializeToElement($"{bffUrl}/bff/backchannel");
        await manager.CreateAsync(descriptor);
        return (clientId, secret ?? string.Empty);
    }

    public IEnumerable<RecordedRequest> TokenRequests(string clientId) =>
        Recorder.To("/connect/token").Where(r => r.Field("client_id") == clientId || BasicClientId(r) == clientId);

    public IEnumerable<RecordedRequest> Grants(string clientId, string grantType) =>
        TokenRequests(clientId).Where(r => r.Field("grant_type") == grantType);

    /// <summary>Revokes <paramref name="token"/> at the IdP (RFC 7009), as the client: e.g. a refresh token an administrator revoked.</summary>
    public async Task RevokeAsync(string clientId, string clientSecret, string token)
    {
        using var http = new HttpClient();
        using var revoke = await http.PostAsync($"{Url}/connect/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token,
            ["token_type_hint"] = "refresh_token",
            ["client_id"] = clientId,
            ["client_secret"] = clientSecret,
        }));
        Assert.True(revoke.IsSuccessStatusCode, $"revocation answered {revoke.StatusCode}");
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _data.Dispose();
    }

    private static string? BasicClientId(RecordedRequest request)
    {
        var header = request.Header("Authorization");
        if (header is null || !header.StartsWith("Basic ", StringComparison.Ordinal))
        {
            return null;
        }

        var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(header["Basic ".Length..]));
        return Uri.UnescapeDataString(decoded[..decoded.IndexOf(':', StringComparison.Ordinal)]);
    }

    private async Task RunAsync(string url)
    {
        _app = DevIdpApp.Build(
            // No reuse leeway unless asked: a replayed refresh token fails (and revokes its family) so that tests see every replay.
            [
                "--urls", url, "--Idp:DataPath", _data.Path, "--environment", "Development", "--Idp:RefreshTokenReuseLeeway", _reuseLeeway.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
                "--Idp:SessionIdInIdentityToken", _sessionIdInIdentityToken ? "true" : "false",
                .. _tokenExchangeAudiences.SelectMany((audience, i) => new[] { $"--Idp:TokenExchangeAudiences:{i}", audience }),
                .. _accessTokenLifetime is { } lifetime ? ["--Idp:AccessTokenLifetime", lifetime.ToString("c", System.Globalization.CultureInfo.InvariantCulture)] : Array.Empty<string>(),
            ],
            builder =>
            {
                builder.Logging.ClearProviders();
                builder.Logging.AddProvider(Logs);
                builder.Services.AddSingleton<IStartupFilter>(Recorder);
            });
        await _app.StartAsync();
        Url = _app.BoundAddress();
        TokenLeakGuard.Register(this);
    }
}
