using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using OpenBff.Authentication;

namespace Bff.Tests.Unit;

/// <summary>
/// <see cref="CachingAuthenticationSchemeProvider"/>: the authentication middleware's two questions
/// per request answered with the same completed tasks, and answered anew as soon as a scheme comes
/// or goes (the answers are always ASP.NET Core's provider's).
/// </summary>
public sealed class CachingAuthenticationSchemeProviderTests
{
    [Fact]
    public async Task It_answers_as_ASP_NET_Cores_provider_with_the_same_tasks_each_time()
    {
        var options = Options.Create(new AuthenticationOptions { DefaultScheme = "cookie" });
        var caching = new CachingAuthenticationSchemeProvider(options);
        var aspNetCores = new AuthenticationSchemeProvider(options);
        var (cookie, oidc) = (Cookie("cookie"), Oidc("oidc"));
        foreach (var provider in new[] { caching, aspNetCores })
        {
            provider.AddScheme(cookie);
            provider.AddScheme(oidc);
        }

        Assert.Equal(await aspNetCores.GetRequestHandlerSchemesAsync(), await caching.GetRequestHandlerSchemesAsync());
        Assert.Equal(await aspNetCores.GetDefaultAuthenticateSchemeAsync(), await caching.GetDefaultAuthenticateSchemeAsync());
        Assert.Same(caching.GetRequestHandlerSchemesAsync(), caching.GetRequestHandlerSchemesAsync());
        Assert.Same(caching.GetDefaultAuthenticateSchemeAsync(), caching.GetDefaultAuthenticateSchemeAsync());
    }

    [Fact]
    public async Task A_scheme_added_later_is_in_the_next_answers()
    {
        var provider = new CachingAuthenticationSchemeProvider(Options.Create(new AuthenticationOptions()));
        provider.AddScheme(Cookie("cookie"));
        Assert.Empty(await provider.GetRequestHandlerSchemesAsync());
        Assert.Equal("cookie", (await provider.GetDefaultAuthenticateSchemeAsync())?.Name); // the only scheme is the default

        provider.AddScheme(Oidc("oidc"));

        Assert.Equal(["oidc"], (await provider.GetRequestHandlerSchemesAsync()).Select(s => s.Name));
        Assert.Null(await provider.GetDefaultAuthenticateSchemeAsync()); // two schemes and none named: no default
    }

    [Fact]
    public async Task A_scheme_tried_and_removed_is_seen_by_the_next_answers()
    {
        var provider = new CachingAuthenticationSchemeProvider(Options.Create(new AuthenticationOptions { DefaultAuthenticateScheme = "cookie" }));
        provider.AddScheme(Oidc("oidc"));
        Assert.Null(await provider.GetDefaultAuthenticateSchemeAsync()); // named, not there yet

        Assert.True(provider.TryAddScheme(Cookie("cookie")));
        Assert.Equal("cookie", (await provider.GetDefaultAuthenticateSchemeAsync())?.Name);

        provider.RemoveScheme("oidc");
        Assert.Empty(await provider.GetRequestHandlerSchemesAsync());
        provider.RemoveScheme("cookie");
        Assert.Null(await provider.GetDefaultAuthenticateSchemeAsync());
    }

    [Fact]
    public void AddBff_puts_it_in_place_of_ASP_NET_Cores_provider_and_keeps_a_hosts_own_and_a_keyed_one()
    {
        var plain = new ServiceCollection().AddLogging();
        plain.AddBff();
        using (var services = plain.BuildServiceProvider())
        {
            Assert.IsType<CachingAuthenticationSchemeProvider>(services.GetRequiredService<IAuthenticationSchemeProvider>());
        }

        var ownBefore = new ServiceCollection().AddLogging();
        ownBefore.AddSingleton<IAuthenticationSchemeProvider, HostsProvider>();
        ownBefore.AddBff();
        using (var services = ownBefore.BuildServiceProvider())
        {
            Assert.IsType<HostsProvider>(services.GetRequiredService<IAuthenticationSchemeProvider>());
        }

        var keyed = new ServiceCollection().AddLogging();
        keyed.AddAuthentication();
        keyed.AddKeyedSingleton<IAuthenticationSchemeProvider, HostsProvider>("tenant"); // another provider, by key: not the one asked
        keyed.AddBff();
        using (var services = keyed.BuildServiceProvider())
        {
            Assert.IsType<CachingAuthenticationSchemeProvider>(services.GetRequiredService<IAuthenticationSchemeProvider>());
            Assert.IsType<HostsProvider>(services.GetRequiredKeyedService<IAuthenticationSchemeProvider>("tenant"));
        }

        var ownAfter = new ServiceCollection().AddLogging();
        ownAfter.AddBff();
        ownAfter.AddSingleton<IAuthenticationSchemeProvider, HostsProvider>();
        using (var services = ownAfter.BuildServiceProvider())
        {
            Assert.IsType<HostsProvider>(services.GetRequiredService<IAuthenticationSchemeProvider>());
        }
    }

    private static AuthenticationScheme Cookie(string name) => new(name, null, typeof(CookieAuthenticationHandler));

    private static AuthenticationScheme Oidc(string name) => new(name, null, typeof(OpenIdConnectHandler));

    private sealed class HostsProvider(IOptions<AuthenticationOptions> options) : AuthenticationSchemeProvider(options);
}
