using System.Net;
using Bff.Tests.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Bff.Tests.Endpoints;

/// <summary>
/// Each management endpoint is a service a host can replace (<see cref="ILoginEndpoint"/>,
/// <see cref="IUserEndpoint"/>, ...) or derive from (<see cref="DefaultLoginEndpoint"/>, ...),
/// registered before or after <c>AddBff()</c>; the route, its anti-forgery rule and the BFF
/// middleware stay in front of the host's implementation.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class EndpointServiceTests(IdpFixture env)
{
    [Fact]
    public async Task A_login_endpoint_derived_from_the_default_runs_around_it_and_the_login_completes()
    {
        var builder = await LibraryHost.CreateBuilderAsync(env);
        builder.Services.AddSingleton<ILoginEndpoint, AuditedLogin>(); // after AddBff()
        await using var app = await LibraryHost.StartAsync(builder);
        using var browser = new TestBrowser();

        var start = await browser.GetAsync($"{app.BoundAddress()}/bff/login?returnUrl=/orders");
        var callback = await browser.LoginAsync(app.BoundAddress(), returnUrl: "/orders");

        Assert.Equal(HttpStatusCode.Redirect, start.Status);
        Assert.Equal("login", Assert.Single(start.Headers.GetValues("X-Audit")));
        Assert.StartsWith(env.Idp.Url, start.Location!.AbsoluteUri, StringComparison.Ordinal);
        Assert.Equal("/orders", callback.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{app.BoundAddress()}/bff/user")).Status);
    }

    [Fact]
    public async Task A_user_endpoint_registered_before_AddBff_answers_and_keeps_the_anti_forgery_rule()
    {
        var builder = await LibraryHost.CreateBuilderAsync(env, before: s => s.AddSingleton<IUserEndpoint, NameOnlyUser>());
        await using var app = await LibraryHost.StartAsync(builder);
        using var browser = new TestBrowser();
        await browser.LoginAsync(app.BoundAddress());

        var user = await browser.ApiAsync($"{app.BoundAddress()}/bff/user");
        var withoutHeader = await browser.GetAsync($"{app.BoundAddress()}/bff/user");

        Assert.Equal(HttpStatusCode.OK, user.Status);
        Assert.Equal("""{"sub":"alice"}""", user.Body);
        Assert.Equal(HttpStatusCode.Unauthorized, withoutHeader.Status);
    }

    [Fact]
    public void Each_endpoint_has_one_default_registration_and_a_hosts_own_wins_before_or_after_AddBff()
    {
        var before = new ServiceCollection().AddSingleton<IUserEndpoint, NameOnlyUser>();
        before.AddBff();
        var after = new ServiceCollection();
        after.AddBff();
        after.AddSingleton<IUserEndpoint, NameOnlyUser>();
        var defaults = new ServiceCollection();
        defaults.AddBff();

        Assert.IsType<NameOnlyUser>(before.BuildServiceProvider().GetRequiredService<IUserEndpoint>());
        Assert.IsType<NameOnlyUser>(after.BuildServiceProvider().GetRequiredService<IUserEndpoint>());
        Assert.Equal(
            [typeof(DefaultLoginEndpoint), typeof(DefaultUserEndpoint), typeof(DefaultLogoutEndpoint), typeof(DefaultSilentLoginEndpoint), typeof(DefaultSilentLoginCallbackEndpoint), typeof(DefaultBackchannelLogoutEndpoint), typeof(DefaultDiagnosticsEndpoint)],
            new[] { typeof(ILoginEndpoint), typeof(IUserEndpoint), typeof(ILogoutEndpoint), typeof(ISilentLoginEndpoint), typeof(ISilentLoginCallbackEndpoint), typeof(IBackchannelLogoutEndpoint), typeof(IDiagnosticsEndpoint) }
                .Select(service => Assert.Single(defaults, d => d.ServiceType == service).ImplementationType));
    }

    private sealed class AuditedLogin(IServiceProvider services) : DefaultLoginEndpoint(services)
    {
        public override Task ProcessRequestAsync(HttpContext context, CancellationToken cancellationToken = default)
        {
            context.Response.Headers["X-Audit"] = "login";
            return base.ProcessRequestAsync(context, cancellationToken);
        }
    }

    private sealed class NameOnlyUser : IUserEndpoint
    {
        public async Task ProcessRequestAsync(HttpContext context, CancellationToken cancellationToken = default)
        {
            var result = await context.AuthenticateAsync();
            if (!result.Succeeded)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            await context.Response.WriteAsJsonAsync(new { sub = result.Principal!.FindFirst("sub")!.Value }, cancellationToken);
        }
    }
}
