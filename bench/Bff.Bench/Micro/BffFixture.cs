using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Bff.Host;
using OpenBff.Proxy;
using OpenBff.Sessions;
using OpenBff.Tokens;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Data.Sqlite;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Model;

namespace Bff.Bench.Micro;

/// <summary>
/// A BFF built by <see cref="BffHostApp.Build"/> from configuration (never started: nothing
/// listens, the IdP is never called), its services resolved from the real container, and one
/// signed-in session whose ticket mirrors a dev-IdP login: the same 8 claims and tokens of the
/// sizes <c>npm run bench</c> reports (access 1,025, id 1,101, refresh 2,832 characters).
/// </summary>
internal sealed class BffFixture : IAsyncDisposable
{
    /// <summary>Token sizes of a real dev-IdP login (GET /__bench/session of the bench host).</summary>
    public static readonly (int Access, int Id, int Refresh) DevIdpTokens = (1025, 1101, 2832);

    /// <summary>"Typical" tokens of about 1 KB each.</summary>
    public static readonly (int Access, int Id, int Refresh) KilobyteTokens = (1000, 1000, 1000);

    private readonly string _data;

    private BffFixture(WebApplication app, string data)
    {
        App = app;
        _data = data;
    }

    public WebApplication App { get; }

    /// <summary>The fixture's Bff:DataPath (keys, sessions.db).</summary>
    public string DataPath => _data;

    public IServiceProvider Services => App.Services;

    public string CookieName { get; private set; } = "__Host-bff";

    /// <summary>The session cookie's value (the encrypted session key), as a browser sends it.</summary>
    public string CookieValue { get; private set; } = string.Empty;

    public string CookieHeader => $"{CookieName}={CookieValue}";

    public string SessionKey { get; private set; } = string.Empty;

    public static async Task<BffFixture> CreateAsync(string store, (int Access, int Id, int Refresh) tokens, string[]? extraArgs = null, Action<WebApplicationBuilder>? configure = null)
    {
        var data = Path.Combine(Path.GetTempPath(), $"bff-micro-{Guid.NewGuid():N}");
        Directory.CreateDirectory(data);
        var app = BffHostApp.Build(
        [
            "--urls", "http://127.0.0.1:0",
            "--Bff:Oidc:Authority=http://127.0.0.1:9",
            "--Bff:Oidc:ClientId=bff",
            "--Bff:Oidc:ClientSecret=bff-secret",
            "--Bff:Oidc:RequireHttpsMetadata=false",
            $"--Bff:DataPath={data}",
            $"--Bff:Session:Store={store}",
            $"--Bff:Spa:Path={Path.Combine(data, "spa")}",
            "--Logging:LogLevel:Default=Warning",
            .. extraArgs ?? [],
        ], configure);
        var fixture = new BffFixture(app, data);
        await fixture.SignInAsync(tokens);
        return fixture;
    }

    /// <summary>The bench's proxied route (<c>/api/{**rest}</c>, <c>Bff.TokenType=User</c>) and YARP's endpoint for it.</summary>
    public static (RouteConfig Route, Endpoint Endpoint) ApiRoute()
    {
        var route = new RouteConfig
        {
            RouteId = "api",
            ClusterId = "api",
            Match = new RouteMatch { Path = "/api/{**rest}" },
            Metadata = new Dictionary<string, string> { ["Bff.TokenType"] = "User" },
        };
        return (route, new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(new RouteModel(route, cluster: null, HttpTransformer.Default)), "api"));
    }

    /// <summary>
    /// <c>UseBff</c> and <c>UseAuthorization</c> before a terminal step that stands for YARP: it only
    /// applies the BFF transform's Authorization header (into <c>Items["Authorization"]</c>).
    /// </summary>
    public static RequestDelegate BffAndAuthorization(IServiceProvider services)
    {
        RequestDelegate yarp = static context =>
        {
            if (context.Features.Get<BffAccessTokenFeature>() is { } token)
            {
                context.Items["Authorization"] = token.HeaderValue ?? TokenValueCache.BearerHeaderValue(token.AccessToken); // the value Proxy/ProxiedRequest attaches
            }

            return Task.CompletedTask;
        };
        var authorization = ActivatorUtilities.CreateInstance<AuthorizationMiddleware>(services, yarp);
        return ActivatorUtilities.CreateInstance<BffMiddleware>(services, (RequestDelegate)authorization.Invoke).InvokeAsync;
    }

    /// <summary>A request as Kestrel hands it to the pipeline: its own DI scope, the session cookie and X-CSRF.</summary>
    public static DefaultHttpContext NewRequest(IServiceProvider requestServices, string? cookieHeader)
    {
        var context = new DefaultHttpContext { RequestServices = requestServices };
        var request = context.Request;
        request.Method = HttpMethods.Get;
        request.Scheme = "http";
        request.Host = new HostString("127.0.0.1", 5000);
        request.Path = "/api/data";
        request.Headers.Accept = "application/json";
        request.Headers.UserAgent = "wrk";
        request.Headers["X-CSRF"] = "1";
        if (cookieHeader is not null)
        {
            request.Headers.Cookie = cookieHeader;
        }

        return context;
    }

    /// <summary>A ticket like the OpenID Connect handler gives the cookie handler after a dev-IdP login.</summary>
    public static AuthenticationTicket NewTicket((int Access, int Id, int Refresh) tokens, DateTimeOffset now, string subject = "alice")
    {
        const string issuer = "http://127.0.0.1:5001/";
        var identity = new ClaimsIdentity(
            [
                new Claim("sub", subject, ClaimValueTypes.String, issuer),
                new Claim("name", "Alice Smith", ClaimValueTypes.String, issuer),
                new Claim("preferred_username", "alice", ClaimValueTypes.String, issuer),
                new Claim("email", "alice@example.com", ClaimValueTypes.String, issuer),
                new Claim("sid", RandomBase64Url(22), ClaimValueTypes.String, issuer),
                new Claim("auth_time", now.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64, issuer),
                new Claim("oi_au_id", Guid.NewGuid().ToString(), ClaimValueTypes.String, issuer),
                new Claim("oi_tkn_id", Guid.NewGuid().ToString(), ClaimValueTypes.String, issuer),
            ],
            "AuthenticationTypes.Federation",
            "name",
            "role");
        var properties = new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now.AddHours(8), RedirectUri = "/" };
        properties.Items[".AuthScheme"] = "oidc";
        properties.StoreTokens(
        [
            new AuthenticationToken { Name = "access_token", Value = Jwt(tokens.Access) },
            new AuthenticationToken { Name = "id_token", Value = Jwt(tokens.Id) },
            new AuthenticationToken { Name = "refresh_token", Value = Jwe(tokens.Refresh) },
            new AuthenticationToken { Name = "token_type", Value = "Bearer" },
            new AuthenticationToken { Name = "expires_at", Value = now.AddMinutes(5).ToString("o", CultureInfo.InvariantCulture) },
        ]);
        return new AuthenticationTicket(new ClaimsPrincipal(identity), properties, BffDefaults.CookieScheme);
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// Signs in one more session through the real cookie handler and ticket store (a ticket like
    /// <see cref="NewTicket"/>'s, its own <c>sub</c> so no per-user limit applies); answers its
    /// <c>Cookie</c> header.
    /// </summary>
    public async Task<string> SignInAnotherAsync((int Access, int Id, int Refresh) tokens, string subject)
    {
        await using var scope = Services.CreateAsyncScope();
        var context = NewRequest(scope.ServiceProvider, cookieHeader: null);
        context.Request.Scheme = "https";
        var ticket = NewTicket(tokens, DateTimeOffset.UtcNow, subject);
        await context.SignInAsync(BffDefaults.CookieScheme, ticket.Principal, ticket.Properties);
        return context.Response.Headers.SetCookie.ToString().Split(';')[0];
    }

    private async Task SignInAsync((int Access, int Id, int Refresh) tokens)
    {
        var pair = await SignInAnotherAsync(tokens, "alice");
        var eq = pair.IndexOf('=', StringComparison.Ordinal);
        CookieName = pair[..eq];
        CookieValue = pair[(eq + 1)..];

        await using var readScope = Services.CreateAsyncScope();
        var read = NewRequest(readScope.ServiceProvider, CookieHeader);
        var result = await read.AuthenticateAsync(BffDefaults.CookieScheme);
        SessionKey = result.Properties?.GetSessionKey()
            ?? throw new InvalidOperationException($"The signed-in cookie does not authenticate: {result.Failure?.Message ?? "no result"}");
    }

    /// <summary>Random base64url of <paramref name="chars"/> characters (one fewer when that length cannot be base64url), canonical as a JWT's segments are.</summary>
    private static string RandomBase64Url(int chars)
    {
        var bytes = RandomNumberGenerator.GetBytes((chars * 3 / 4) + 3);
        return Canonical(Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_')[..chars]);
    }

    /// <summary>
    /// <paramref name="segment"/> with its unused trailing bits zero (as every encoder writes them:
    /// the session store keeps such a JWT as bytes, any other as text), one character shorter when
    /// its length leaves one character over.
    /// </summary>
    private static string Canonical(string segment)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        if (segment.Length % 4 == 1)
        {
            segment = segment[..^1];
        }

        var mask = (segment.Length % 4) switch { 2 => 0x30, 3 => 0x3C, _ => 0x3F };
        return segment[..^1] + Alphabet[Alphabet.IndexOf(segment[^1], StringComparison.Ordinal) & mask];
    }

    private static string Base64Url(string json) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>A signed JWT (RS256-like: JSON header and payload, 342-character signature) of exactly <paramref name="length"/> characters.</summary>
    private static string Jwt(int length)
    {
        var header = Base64Url("{\"alg\":\"RS256\",\"kid\":\"8A0E1C2B3D4F5061728394A5B6C7D8E9F0A1B2C3\",\"typ\":\"at+jwt\"}");
        var signature = RandomBase64Url(342);
        var payloadChars = length - header.Length - signature.Length - 2;
        var payload = new StringBuilder("{\"iss\":\"http://127.0.0.1:5001/\",\"exp\":1790000000,\"iat\":1789999700,\"aud\":\"api\",\"scope\":\"openid profile email offline_access api\",\"sub\":\"alice\",\"client_id\":\"bff\",\"jti\":\"");
        payload.Append(Guid.NewGuid().ToString("N"));
        var encoded = Base64Url(payload + "\"}");
        while (encoded.Length < payloadChars)
        {
            payload.Append('x');
            encoded = Base64Url(payload + "\"}");
        }

        return $"{header}.{Canonical(encoded[..payloadChars])}.{signature}";
    }

    /// <summary>An encrypted JWT (JWE compact: header, encrypted key, IV, ciphertext, tag) of exactly <paramref name="length"/> characters.</summary>
    private static string Jwe(int length)
    {
        var header = Base64Url("{\"alg\":\"RSA-OAEP\",\"enc\":\"A256CBC-HS512\",\"kid\":\"0F1E2D3C4B5A69788796A5B4C3D2E1F0\",\"typ\":\"oi_reft+jwt\"}");
        var key = RandomBase64Url(342);
        var iv = RandomBase64Url(22);
        var tag = RandomBase64Url(43);
        var ciphertext = RandomBase64Url(Math.Max(16, length - header.Length - key.Length - iv.Length - tag.Length - 4));
        return $"{header}.{key}.{iv}.{ciphertext}.{tag}";
    }
}
