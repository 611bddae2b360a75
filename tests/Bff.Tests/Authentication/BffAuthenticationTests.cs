using System.Collections.Concurrent;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Bff.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Bff.Tests.Authentication;

/// <summary>
/// <c>UseBffAuthentication()</c>, which the host uses instead of <c>UseAuthentication()</c>: the
/// same behaviour, without the OpenID Connect handler on requests it cannot handle.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class BffAuthenticationTests(IdpFixture env)
{
    [Fact]
    public async Task Requests_outside_the_openid_connect_paths_do_not_create_its_handler()
    {
        var handlers = new OpenIdConnectHandlerCounter();
        await using var bff = await env.StartBffAsync(services: handlers.Register);
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var createdByLogin = handlers.Created;

        var user = await browser.ApiAsync($"{bff.Url}/bff/user");
        var api = await browser.ApiAsync($"{bff.Url}/api/hello");
        var page = await browser.GetAsync($"{bff.Url}/orders/42");

        Assert.True(createdByLogin > 0, "the counter sees the handlers the login needs");
        Assert.Equal(HttpStatusCode.OK, user.Status);
        Assert.Equal(HttpStatusCode.OK, api.Status);
        Assert.Equal(HttpStatusCode.NotFound, page.Status); // the test BFF serves no SPA files
        Assert.Equal(createdByLogin, handlers.Created);
    }

    [Fact]
    public async Task Callback_path_in_other_letter_case_completes_the_login_as_the_openid_connect_handler_does()
    {
        await using var bff = await env.StartBffAsync();
        using var browser = new TestBrowser();
        var callback = await browser.CallbackUrlAsync(bff.Url);

        // The handler compares paths ignoring case; its correlation and nonce cookies have
        // Path=/signin-oidc, which browsers match case-sensitively: give them the other path too.
        var upperCase = new UriBuilder(callback) { Path = "/SIGNIN-OIDC" }.Uri;
        foreach (var cookie in browser.Cookies.GetCookies(callback).Where(c => c.Path == "/signin-oidc"))
        {
            browser.Cookies.Add(new Cookie(cookie.Name, cookie.Value, upperCase.AbsolutePath, cookie.Domain));
        }

        var response = await browser.GetAsync(upperCase.ToString());

        Assert.Equal(HttpStatusCode.Redirect, response.Status);
        Assert.Equal("/", response.Location!.AbsolutePath);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
    }

    [Fact]
    public async Task Remote_sign_out_path_is_still_handled_by_the_openid_connect_handler()
    {
        await using var bff = await env.StartBffAsync(settings => settings["Bff:Oidc:FrontChannelLogout"] = "true");
        using var browser = new TestBrowser();
        await browser.LoginAsync(bff.Url);
        var sid = new UserClaims((await browser.ApiAsync($"{bff.Url}/bff/user")).Body).Value("sid") ?? string.Empty;

        var response = await browser.GetAsync($"{bff.Url}/signout-oidc?sid={Uri.EscapeDataString(sid)}&iss={Uri.EscapeDataString($"{env.Idp.Url}/")}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.ApiAsync($"{bff.Url}/bff/user")).Status);
    }

    [Fact]
    public async Task Callback_path_changed_by_an_options_reload_is_handled_at_the_new_path()
    {
        var callbackPath = new StrongBox<string>("/signin-oidc");
        await using var bff = await env.StartBffAsync(services: s =>
            s.Configure<OpenIdConnectOptions>(BffDefaults.OidcScheme, o => o.CallbackPath = callbackPath.Value));
        using var browser = new TestBrowser();
        var before = await browser.GetAsync($"{bff.Url}/signin-v2?code=forged&state=forged");

        callbackPath.Value = "/signin-v2";
        bff.Services.GetRequiredService<IOptionsMonitorCache<OpenIdConnectOptions>>().TryRemove(BffDefaults.OidcScheme); // what a reload does
        var after = await browser.GetAsync($"{bff.Url}/signin-v2?code=forged&state=forged");

        Assert.Equal(HttpStatusCode.NotFound, before.Status);
        Assert.Equal(HttpStatusCode.BadRequest, after.Status); // the handler refused the forged state
        Assert.Contains("login-error", after.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_applications_request_handler_scheme_is_asked_about_every_request()
    {
        var askedPaths = new ConcurrentQueue<string>();
        await using var bff = await env.StartBffAsync(services: s => OperatorRequestHandler.Add(s, askedPaths));
        using var browser = new TestBrowser();

        await browser.ApiAsync($"{bff.Url}/bff/user");
        await browser.ApiAsync($"{bff.Url}/none/api/hello");
        await browser.GetAsync($"{bff.Url}/orders/42");

        Assert.Equal(["/bff/user", "/none/api/hello", "/orders/42"], askedPaths);
    }

    [Fact]
    public async Task An_applications_request_handler_scheme_that_handles_the_request_ends_the_pipeline()
    {
        await using var bff = await env.StartBffAsync(services: s => OperatorRequestHandler.Add(s, new ConcurrentQueue<string>()));
        using var browser = new TestBrowser();

        var response = await browser.ApiAsync($"{bff.Url}/bff/user?operator=answer");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(OperatorRequestHandler.Answer, response.Body);
        Assert.Null(response.Header("Cache-Control")); // UseBff never saw it
    }

    [Fact]
    public async Task A_request_handler_scheme_added_or_removed_at_run_time_is_seen_by_the_next_request()
    {
        var askedPaths = new ConcurrentQueue<string>();
        await using var bff = await env.StartBffAsync(services: s => s.AddSingleton(askedPaths));
        using var browser = new TestBrowser();
        var url = $"{bff.Url}/bff/user?operator=answer";
        Assert.NotEqual(OperatorRequestHandler.Answer, (await browser.ApiAsync(url)).Body);
        var schemes = bff.Services.GetRequiredService<IAuthenticationSchemeProvider>();

        schemes.AddScheme(new AuthenticationScheme("operator", null, typeof(OperatorRequestHandler)));
        var added = await browser.ApiAsync(url);
        schemes.RemoveScheme("operator");
        var removed = await browser.ApiAsync(url);

        Assert.Equal(OperatorRequestHandler.Answer, added.Body);
        Assert.NotEqual(OperatorRequestHandler.Answer, removed.Body);
        Assert.Equal(["/bff/user"], askedPaths);
    }

    [Fact]
    public async Task An_authenticated_request_exposes_its_authenticate_result_to_later_middleware()
    {
        await using var app = await StartAppAsync();
        var url = app.BoundAddress();
        using var browser = new TestBrowser();
        await browser.LoginAsync(url);
        var sub = new UserClaims((await browser.ApiAsync($"{url}/bff/user")).Body).Value("sub");

        using var seen = JsonDocument.Parse((await browser.GetAsync($"{url}/features")).Body);

        var features = seen.RootElement;
        Assert.False(string.IsNullOrEmpty(sub));
        Assert.True(features.GetProperty("succeeded").GetBoolean());
        Assert.Equal(BffDefaults.CookieScheme, features.GetProperty("scheme").GetString());
        Assert.Equal(sub, features.GetProperty("resultSub").GetString());
        Assert.Equal(sub, features.GetProperty("featureUserSub").GetString());
        Assert.Equal(sub, features.GetProperty("userSub").GetString());
    }

    [Fact]
    public async Task An_anonymous_request_gets_the_original_path_and_no_authenticate_result()
    {
        await using var app = await StartAppAsync();
        using var browser = new TestBrowser();

        using var seen = JsonDocument.Parse((await browser.GetAsync($"{app.BoundAddress()}/features")).Body);

        var features = seen.RootElement;
        Assert.Equal("/features", features.GetProperty("originalPath").GetString());
        Assert.Equal(JsonValueKind.Null, features.GetProperty("succeeded").ValueKind);
        Assert.Equal(JsonValueKind.Null, features.GetProperty("userSub").ValueKind);
    }

    /// <summary>An application hosting the library, with a middleware after authentication that shows what it sees.</summary>
    private async Task<WebApplication> StartAppAsync()
    {
        var app = (await LibraryHost.CreateBuilderAsync(env)).Build();
        app.UseBffAuthentication();
        app.Use(next => context => context.Request.Path == "/features" ? ShowFeaturesAsync(context) : next(context));
        app.UseBff();
        app.UseAuthorization();
        app.MapBffManagementEndpoints();
        await app.StartAsync();
        return app;
    }

    private static Task ShowFeaturesAsync(HttpContext context)
    {
        var result = context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult;
        return context.Response.WriteAsJsonAsync(new
        {
            originalPath = context.Features.Get<IAuthenticationFeature>()?.OriginalPath.Value,
            succeeded = result?.Succeeded,
            scheme = result?.Ticket?.AuthenticationScheme,
            resultSub = result?.Principal?.FindFirst("sub")?.Value,
            featureUserSub = context.Features.Get<IHttpAuthenticationFeature>()?.User?.FindFirst("sub")?.Value,
            userSub = context.User.FindFirst("sub")?.Value,
        });
    }
}
