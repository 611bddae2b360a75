using Bff.Host;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Bff.Tests.Infrastructure;

/// <summary>
/// The real Bff.Host, configured only through configuration as an operator would, on a free
/// loopback port, in front of the test IdP and API.
/// </summary>
public sealed class TestBff : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly CapturingLoggerProvider _logs;

    private TestBff(WebApplication app, string clientId, string clientSecret, FakeTimeProvider time, CapturingLoggerProvider logs)
    {
        _app = app;
        _logs = logs;
        ClientId = clientId;
        ClientSecret = clientSecret;
        Time = time;
        Url = app.BoundAddress();
    }

    public string Url { get; }

    public string ClientId { get; }

    public string ClientSecret { get; }

    public FakeTimeProvider Time { get; }

    /// <summary>Every line this BFF logged.</summary>
    public IReadOnlyCollection<string> LogLines => _logs.Lines;

    public IServiceProvider Services => _app.Services;

    /// <summary>The configuration every test BFF gets: routes to the sample API for each token type.</summary>
    public static Dictionary<string, string?> DefaultSettings(string idpUrl, string apiUrl, string dataPath) => new()
    {
        ["Bff:Oidc:Authority"] = idpUrl,
        ["Bff:Oidc:RequireHttpsMetadata"] = "false",
        ["Bff:Oidc:Scope"] = "openid profile email offline_access api",
        ["Bff:DataPath"] = dataPath,
        ["Bff:Session:Store"] = "Memory",
        ["Bff:Spa:Path"] = Path.Combine(dataPath, "spa"),
        ["ReverseProxy:Clusters:api:Destinations:d1:Address"] = apiUrl,
        ["ReverseProxy:Routes:user:ClusterId"] = "api",
        ["ReverseProxy:Routes:user:Match:Path"] = "/api/{**rest}",
        ["ReverseProxy:Routes:user:Metadata:Bff.TokenType"] = "User",
        ["ReverseProxy:Routes:none:ClusterId"] = "api",
        ["ReverseProxy:Routes:none:Match:Path"] = "/none/api/{**rest}",
        ["ReverseProxy:Routes:none:Metadata:Bff.TokenType"] = "None",
        ["ReverseProxy:Routes:none:Transforms:0:PathRemovePrefix"] = "/none",
        ["ReverseProxy:Routes:optional:ClusterId"] = "api",
        ["ReverseProxy:Routes:optional:Match:Path"] = "/optional/api/{**rest}",
        ["ReverseProxy:Routes:optional:Metadata:Duende.Bff.Yarp.TokenType"] = "UserOrNone",
        ["ReverseProxy:Routes:optional:Transforms:0:PathRemovePrefix"] = "/optional",
        ["ReverseProxy:Routes:client:ClusterId"] = "api",
        ["ReverseProxy:Routes:client:Match:Path"] = "/client/api/{**rest}",
        ["ReverseProxy:Routes:client:Metadata:Bff.TokenType"] = "Client",
        ["ReverseProxy:Routes:client:Metadata:Bff.Scope"] = "api",
        ["ReverseProxy:Routes:client:Transforms:0:PathRemovePrefix"] = "/client",
        ["ReverseProxy:Routes:uoc:ClusterId"] = "api",
        ["ReverseProxy:Routes:uoc:Match:Path"] = "/uoc/api/{**rest}",
        ["ReverseProxy:Routes:uoc:Metadata:Bff.TokenType"] = "UserOrClient",
        ["ReverseProxy:Routes:uoc:Metadata:Bff.Scope"] = "api",
        ["ReverseProxy:Routes:uoc:Transforms:0:PathRemovePrefix"] = "/uoc",
        ["ReverseProxy:Routes:nocsrf:ClusterId"] = "api",
        ["ReverseProxy:Routes:nocsrf:Match:Path"] = "/nocsrf/api/{**rest}",
        ["ReverseProxy:Routes:nocsrf:Metadata:Bff.TokenType"] = "None",
        ["ReverseProxy:Routes:nocsrf:Metadata:Bff.AntiForgery"] = "false",
        ["ReverseProxy:Routes:nocsrf:Transforms:0:PathRemovePrefix"] = "/nocsrf",
    };

    /// <summary>
    /// Builds (without starting) a BFF with the given settings; used for start-up validation tests.
    /// </summary>
    public static WebApplication Build(IDictionary<string, string?> settings, CapturingLoggerProvider logs, TimeProvider? time = null, string url = "http://127.0.0.1:0", string? environment = null, Action<IServiceCollection>? services = null) =>
        BffHostApp.Build(
            environment is null ? ["--urls", url] : ["--urls", url, "--environment", environment],
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(settings);
                builder.Logging.ClearProviders();
                builder.Logging.AddProvider(logs);
                if (time is not null)
                {
                    builder.Services.AddSingleton(time);
                }

                services?.Invoke(builder.Services);
            });

    /// <summary>
    /// Builds and starts a BFF that must refuse to start; returns every message the refusal gave
    /// (all validation failures, or the exception with its inner exceptions).
    /// </summary>
    public static async Task<string> StartupErrorAsync(IDictionary<string, string?> settings)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            await using var app = Build(settings, new CapturingLoggerProvider());
            await app.StartAsync();
        });
        return error is Microsoft.Extensions.Options.OptionsValidationException validation ? string.Join("\n", validation.Failures) : error.ToString();
    }

    /// <summary>
    /// Starts a BFF registered at <paramref name="idp"/> as a new client; <paramref name="services"/>
    /// adds to or replaces the host's services (after <c>AddBff()</c>).
    /// </summary>
    public static async Task<TestBff> StartAsync(
        TestIdp idp,
        TestApi api,
        string dataPath,
        CapturingLoggerProvider logs,
        Action<Dictionary<string, string?>>? configure = null,
        FakeTimeProvider? time = null,
        (string Id, string Secret)? client = null,
        string url = "http://127.0.0.1:0",
        string? environment = null,
        Action<IServiceCollection>? services = null)
    {
        time ??= new FakeTimeProvider(DateTimeOffset.UtcNow);
        var settings = DefaultSettings(idp.Url, api.Url, dataPath);
        configure?.Invoke(settings);

        // Registered with port-less loopback redirect URIs: the IdP accepts any port for them (RFC 8252 §7.3).
        var (clientId, secret) = client ?? await idp.RegisterClientAsync("http://127.0.0.1");
        settings["Bff:Oidc:ClientId"] = clientId;
        settings["Bff:Oidc:ClientSecret"] = secret;
        var app = Build(settings, logs, time, url, environment, services);
        await app.StartAsync();
        return new TestBff(app, clientId, secret, time, logs);
    }

    /// <summary>
    /// Starts a BFF with exactly <paramref name="settings"/> (an operator's configuration for
    /// <paramref name="provider"/>, less the client credentials) and registers it at the provider
    /// as a new client with the address it got; with <paramref name="client"/>, as that client
    /// (already registered, e.g. by another instance sharing the session store); with
    /// <paramref name="clientId"/>, registering a new client with that id (for a configuration that names it).
    /// </summary>
    public static async Task<TestBff> StartAsync(
        InteropProvider provider,
        Dictionary<string, string?> settings,
        CapturingLoggerProvider logs,
        FakeTimeProvider? time = null,
        bool backChannelLogout = false,
        (string Id, string Secret)? client = null,
        bool endSession = true,
        string? clientId = null)
    {
        time ??= new FakeTimeProvider(DateTimeOffset.UtcNow);
        var (id, secret) = client ?? (clientId ?? $"bff-{Guid.NewGuid():N}", $"secret-{Guid.NewGuid():N}");
        clientId = id;
        settings = new Dictionary<string, string?>(settings)
        {
            ["Bff:Oidc:ClientId"] = clientId,
            ["Bff:Oidc:ClientSecret"] = secret,
        };
        var app = Build(settings, logs, time);
        await app.StartAsync();
        var bff = new TestBff(app, clientId, secret, time, logs);
        if (client is null)
        {
            try
            {
                // Registered with the client authentication the configuration says (as an operator would).
                var authentication = settings.GetValueOrDefault("Bff:Oidc:ClientAuthentication") ?? "client_secret_post";
                await provider.RegisterClientAsync(bff.Url, backChannelLogout, clientId, secret, endSession, authentication);
            }
            catch
            {
                await bff.DisposeAsync();
                throw;
            }
        }

        return bff;
    }

    /// <summary>Stops the BFF, then fails if any line it logged contains an issued token.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        var leaks = TokenLeakGuard.LeakingLines(_logs.Lines);
        if (leaks.Count > 0)
        {
            throw new InvalidOperationException($"TOKEN LEAK in the BFF's log: {leaks.Count} line(s), e.g. event {leaks[0][..Math.Min(80, leaks[0].Length)]}");
        }
    }
}
