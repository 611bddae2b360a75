using System.Diagnostics;
using Bff.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Bff.Tests.Configuration;

public sealed class StartupValidationTests
{
    private static Dictionary<string, string?> Valid() => new()
    {
        ["Bff:Oidc:Authority"] = "https://127.0.0.1:1", // loopback: the discovery warm-up fails at once, no lookup leaves the machine
        ["Bff:Oidc:ClientId"] = "bff",
        ["Bff:Oidc:ClientSecret"] = "secret",
        ["Bff:Session:Store"] = "Memory",
        ["Bff:DataPath"] = Path.Combine(Path.GetTempPath(), $"bff-cfg-{Guid.NewGuid():N}"),
    };

    private static async Task<string> StartupErrorAsync(Action<Dictionary<string, string?>> change)
    {
        var settings = Valid();
        change(settings);
        return await TestBff.StartupErrorAsync(settings);
    }

    [Fact]
    public async Task Valid_configuration_starts()
    {
        await using var app = TestBff.Build(Valid(), new CapturingLoggerProvider());
        await app.StartAsync();
        await app.StopAsync();
    }

    [Theory]
    [InlineData("Bff:Oidc:Authority", null, "Bff:Oidc:Authority is required")]
    [InlineData("Bff:Oidc:ClientId", null, "Bff:Oidc:ClientId is required")]
    [InlineData("Bff:Oidc:ClientSecret", null, "Bff:Oidc:ClientSecret is required")]
    [InlineData("Bff:Oidc:Authority", "http://login.example.com", "Bff:Oidc:RequireHttpsMetadata=false")]
    [InlineData("Bff:Oidc:Authority", "not a url", "is not an absolute http(s) URL")]
    [InlineData("Bff:Oidc:Scope", "profile", "must contain 'openid'")]
    [InlineData("Bff:Oidc:ClientAuthentication", "magic", "Bff:Oidc:ClientAuthentication 'magic' is unknown")]
    [InlineData("Bff:Session:Store", "Postgres", "Bff:Session:Store 'Postgres' is unknown")]
    [InlineData("Bff:Session:IdleTimeout", "00:00:00", "Bff:Session:IdleTimeout must be positive")]
    [InlineData("Bff:Session:AbsoluteTimeout", "00:30:00", "is shorter than Bff:Session:IdleTimeout")]
    [InlineData("Bff:Session:RedisLocalCacheLifetime", "-00:00:01", "Bff:Session:RedisLocalCacheLifetime (-00:00:01) must be between 00:00:00")]
    [InlineData("Bff:Session:RedisLocalCacheLifetime", "02:00:00", "Bff:Session:RedisLocalCacheLifetime (02:00:00) must be between 00:00:00")]
    [InlineData("Bff:Session:CachedSessions", "99", "Bff:Session:CachedSessions (99) must be between 100 and 10000000")]
    [InlineData("Bff:Session:CleanupConcurrency", "0", "Bff:Session:CleanupConcurrency (0) must be between 1 and 64")]
    [InlineData("Bff:Session:CleanupConcurrency", "65", "Bff:Session:CleanupConcurrency (65) must be between 1 and 64")]
    [InlineData("Bff:Session:CachedSessions", "10000001", "Bff:Session:CachedSessions (10000001) must be between 100 and 10000000")]
    [InlineData("Bff:RealTime:MaxConnectionsPerSession", "-1", "Bff:RealTime:MaxConnectionsPerSession must not be negative: it is -1")]
    public async Task Bad_configuration_stops_the_start_with_a_message_naming_the_key(string key, string? value, string expected)
    {
        var message = await StartupErrorAsync(s => s[key] = value);
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bff_Session_CachedSessions_bounds_every_session_cache()
    {
        var settings = Valid();
        settings["Bff:Session:CachedSessions"] = "120";
        await using var app = TestBff.Build(settings, new CapturingLoggerProvider());

        var bounds = app.Services.GetRequiredService<OpenBff.SessionCache.SessionCacheOptions>();
        var tickets = app.Services.GetRequiredService<OpenBff.SessionCache.TicketCache>();
        var ticket = new Microsoft.AspNetCore.Authentication.AuthenticationTicket(new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity([new System.Security.Claims.Claim("sub", "alice")], "test")), "cookie");
        for (var i = 0; i < 200; i++)
        {
            tickets.Set($"s{i}", [1], ticket);
        }

        Assert.Equal((120, 120, 120), (bounds.CookieEntries, bounds.TicketEntries, bounds.StoreReadEntries));
        Assert.Equal(120, tickets.Count);
    }

    [Fact]
    public async Task Every_problem_is_reported_at_once()
    {
        var message = await StartupErrorAsync(s =>
        {
            s["Bff:Oidc:Authority"] = null;
            s["Bff:Oidc:ClientId"] = null;
        });
        Assert.Contains("Bff:Oidc:Authority", message, StringComparison.Ordinal);
        Assert.Contains("Bff:Oidc:ClientId", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_misspelt_route_token_type_stops_the_start_naming_the_route()
    {
        var message = await StartupErrorAsync(s =>
        {
            s["ReverseProxy:Clusters:api:Destinations:d1:Address"] = "http://127.0.0.1:1";
            s["ReverseProxy:Routes:orders:ClusterId"] = "api";
            s["ReverseProxy:Routes:orders:Match:Path"] = "/orders/{**rest}";
            s["ReverseProxy:Routes:orders:Metadata:Bff.TokenType"] = "Usr";
        });
        Assert.Contains("Route 'orders'", message, StringComparison.Ordinal);
        Assert.Contains("Bff.TokenType 'Usr'", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("client_id", "x", "Bff:Oidc:AuthorizationParameters:client_id is reserved")]
    [InlineData("redirect_uri", "https://evil.example", "Bff:Oidc:AuthorizationParameters:redirect_uri is reserved")]
    [InlineData("State", "x", "Bff:Oidc:AuthorizationParameters:State is reserved")]
    [InlineData("nonce", "x", "is reserved")]
    [InlineData("code_challenge", "x", "is reserved")]
    [InlineData("scope", "openid", "set Bff:Oidc:Scope instead")]
    [InlineData("resource", "https://api", "list the APIs in Bff:Oidc:Resources instead")]
    [InlineData("response_type", "token", "is reserved")]
    [InlineData("bad name", "x", "is not a parameter name")]
    [InlineData("audience", "", "has no value")]
    public async Task Reserved_or_malformed_authorization_parameters_stop_the_start(string name, string value, string expected)
    {
        var message = await StartupErrorAsync(s => s[$"Bff:Oidc:AuthorizationParameters:{name}"] = value);
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Provider_specific_authorization_parameters_start()
    {
        var settings = Valid();
        settings["Bff:Oidc:AuthorizationParameters:audience"] = "https://api.example.com";
        settings["Bff:Oidc:AuthorizationParameters:access_type"] = "offline";
        settings["Bff:Oidc:Resources:0"] = "https://api.example.com";
        settings["Bff:Oidc:EndSessionEndpoint"] = "https://login.example.com/logout";
        await using var app = TestBff.Build(settings, new CapturingLoggerProvider());
        await app.StartAsync();
        await app.StopAsync();
    }

    [Theory]
    [InlineData("Bff:Oidc:Resources:0", "/api", "Bff:Oidc:Resources:0 '/api' must be an absolute URI")]
    [InlineData("Bff:Oidc:Resources:1", "https://api#x", "Bff:Oidc:Resources:1 'https://api#x' must be an absolute URI")]
    [InlineData("Bff:Oidc:EndSessionEndpoint", "/logout", "Bff:Oidc:EndSessionEndpoint '/logout' must be an absolute https URL")]
    [InlineData("Bff:Oidc:EndSessionEndpoint", "http://login.example.com/logout", "must be an absolute https URL")]
    public async Task Bad_resources_or_end_session_endpoint_stop_the_start(string key, string value, string expected)
    {
        var message = await StartupErrorAsync(s =>
        {
            s["Bff:Oidc:Resources:0"] = "https://api1.example.com";
            s[key] = value;
        });
        Assert.Contains(expected, message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_user_route_resource_the_login_does_not_ask_for_stops_the_start()
    {
        var message = await StartupErrorAsync(s =>
        {
            s["Bff:Oidc:Resources:0"] = "https://api1.example.com";
            s["ReverseProxy:Clusters:api:Destinations:d1:Address"] = "http://127.0.0.1:1";
            s["ReverseProxy:Routes:orders:ClusterId"] = "api";
            s["ReverseProxy:Routes:orders:Match:Path"] = "/orders/{**rest}";
            s["ReverseProxy:Routes:orders:Metadata:Bff.TokenType"] = "User";
            s["ReverseProxy:Routes:orders:Metadata:Bff.Resource"] = "https://api2.example.com";
        });
        Assert.Contains("Route 'orders': Bff.Resource 'https://api2.example.com' is not in Bff:Oidc:Resources", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_process_without_an_authority_exits_non_zero_naming_the_key()
    {
        var hostDll = RepoPaths.HostDll();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { hostDll, "--urls", "http://127.0.0.1:0", "--Bff:Oidc:ClientId=bff", "--Bff:Oidc:ClientSecret=s", "--Bff:Session:Store=Memory" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);

        Assert.Equal(1, process.ExitCode);
        var output = await stderr + await stdout;
        Assert.Contains("Bff:Oidc:Authority is required", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal); // a message, not a stack trace
    }
}
