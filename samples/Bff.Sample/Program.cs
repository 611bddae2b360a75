// Bff.Sample: an ASP.NET Core minimal API app that hosts the BFF library itself, instead of the
// configuration-only Bff.Host. Copy what you need. It shows, in order:
//
//   1. AddBff() configured from appsettings.json ("Bff" section), UseBff(), MapBffManagementEndpoints()
//   2. a local API (/api/local/orders) that calls a downstream API with the user's access token
//      (HttpContext.GetUserAccessTokenAsync())
//   3. a return-URL validator that also accepts the SPA's origin (SpaReturnUrlValidator)
//   4. a route whose token comes from an RFC 8693 token exchange (OrdersTokenExchange)
//   5. a remote API mapped in C# that gets the user's token (/api/remote)
//
// Run it against the dev IdP and the sample API: see "Sample host" in docs/extending.md.
using OpenBff;
using Bff.Sample;
using Microsoft.Extensions.Options;

Build(args).Run();

/// <summary>The sample host. <see cref="Build"/> is public so that the tests start the same app.</summary>
public partial class Program
{
    /// <summary>Builds the app (not started): configuration from appsettings.json, the environment and <paramref name="args"/>.</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);

        // ---- 1. The BFF ------------------------------------------------------------------------
        // Every BFF setting comes from the "Bff" section (Bff:Oidc:Authority, Bff:Oidc:ClientId,
        // Bff:Oidc:ClientSecret, Bff:Oidc:Scope, Bff:Session:Store, ...), as for Bff.Host. Invalid
        // settings stop the app at start with every problem named.
        builder.Services.AddOptions<BffOptions>().BindConfiguration(BffOptions.SectionName);
        builder.Services.AddBff()      // cookie session, OpenID Connect, token management, server-side sessions
            .AddRemoteApis();          // needed by MapRemoteBffApiEndpoint (5.)

        // The sample's own settings ("Sample" section), checked at start like the BFF's.
        builder.Services.AddOptions<SampleOptions>()
            .BindConfiguration(SampleOptions.SectionName)
            .Validate(o => IsHttpUrl(o.DownstreamApi), "Sample:DownstreamApi must be an absolute http(s) URL, e.g. http://localhost:5002/.")
            .Validate(o => IsHttpUrl(o.OrdersApi), "Sample:OrdersApi must be an absolute http(s) URL, e.g. http://localhost:5003/.")
            .Validate(o => !string.IsNullOrWhiteSpace(o.OrdersAudience), "Sample:OrdersAudience is required: the audience the token exchange asks for, e.g. orders-api.")
            .Validate(o => o.SpaOrigin is null || SpaReturnUrlValidator.IsOrigin(o.SpaOrigin), "Sample:SpaOrigin must be an origin (scheme, host, port), e.g. https://spa.example.com.")
            .ValidateOnStart();

        // The local API's client for the downstream API (2.).
        builder.Services.AddHttpClient(SampleOptions.DownstreamClient, (services, client) =>
            client.BaseAddress = new Uri(services.GetRequiredService<IOptions<SampleOptions>>().Value.DownstreamApi!));

        // ---- 3. Where /bff/login and /bff/logout may send the user back to ------------------------
        // Replaces the default (local paths only): local paths plus the SPA's origin.
        builder.Services.AddSingleton<IReturnUrlValidator, SpaReturnUrlValidator>();

        // ---- 4. The token exchange of the orders API ----------------------------------------------
        // Exchanged tokens are cached per user token; the exchange has its own HttpClient.
        builder.Services.AddMemoryCache();
        builder.Services.AddHttpClient(OrdersTokenExchange.HttpClientName);
        builder.Services.AddSingleton<OrdersTokenExchange>();

        var app = builder.Build();

        // The pipeline: authentication, then the BFF (anti-forgery, tokens for proxied routes), then authorization.
        app.UseBffAuthentication();
        app.UseBff();
        app.UseAuthorization();

        // /bff/login, /bff/user, /bff/logout, /bff/backchannel, /bff/silent-login
        app.MapBffManagementEndpoints();

        // ---- 2. A local API calling a downstream API with the user's access token -----------------
        // AsBffApiEndpoint(): the browser must send X-CSRF: 1, and an anonymous caller gets 401 (not a
        // redirect to the login page). The token is the session's, refreshed when near expiry.
        app.MapGet("/api/local/orders", async (HttpContext context, IHttpClientFactory clients) =>
        {
            var token = await context.GetUserAccessTokenAsync(cancellationToken: context.RequestAborted);
            if (token.IsError)
            {
                // no_session / session_ended: log in again; provider_unavailable, ...: try later.
                var status = token.Error is ClientCredentialsToken.NoSession or ClientCredentialsToken.SessionEnded ? 401 : 502;
                return Results.Problem(statusCode: status, title: token.Error);
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, "api/todos");
            request.Headers.Authorization = new("Bearer", token.AccessToken); // never log it, never return it to the browser
            using var response = await clients.CreateClient(SampleOptions.DownstreamClient).SendAsync(request, context.RequestAborted);
            var body = await response.Content.ReadAsStringAsync(context.RequestAborted);
            return Results.Content(body, "application/json", statusCode: (int)response.StatusCode);
        }).RequireAuthorization().AsBffApiEndpoint();

        var sample = app.Services.GetRequiredService<IOptions<SampleOptions>>().Value;

        // ---- 4. A remote API whose token comes from a token exchange ------------------------------
        // /api/orders/{rest} -> {Sample:OrdersApi}api/{rest}, with a token for Sample:OrdersAudience
        // obtained by exchanging the user's token (RFC 8693) at the provider's token endpoint.
        app.MapRemoteBffApiEndpoint("/api/orders", new Uri(new Uri(sample.OrdersApi!), "api/"))
            .WithAccessTokenRetriever<OrdersTokenExchange>();

        // ---- 5. A remote API mapped in C# ---------------------------------------------------------
        // /api/remote/{rest} -> {Sample:DownstreamApi}api/{rest}, with the user's access token. No
        // YARP configuration; the same header and cookie rules as a proxied route.
        app.MapRemoteBffApiEndpoint("/api/remote", new Uri(new Uri(sample.DownstreamApi!), "api/"))
            .WithAccessToken(RequiredTokenType.User);

        return app;
    }

    private static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);
}
