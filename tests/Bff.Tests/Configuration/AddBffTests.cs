using System.Net;
using OpenBff.Sessions;
using Bff.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Bff.Tests.Configuration;

/// <summary>
/// <c>AddBff()</c> is complete and polite: server-side sessions without a second call, and the
/// host's own data protection left as the host configured it.
/// </summary>
[Collection(IntegrationCollection.Name)]
public sealed class AddBffTests(IdpFixture env)
{
    [Fact]
    public async Task A_host_that_protected_its_own_payloads_still_reads_them_after_adding_the_bff()
    {
        var keys = new DirectoryInfo(env.NewFolder());
        void HostDataProtection(IServiceCollection services) =>
            services.AddDataProtection().SetApplicationName("orders-app").PersistKeysToFileSystem(keys);

        // The host as it was before it added the BFF: it protects a payload of its own.
        var before = new ServiceCollection();
        HostDataProtection(before);
        string payload;
        await using (var provider = before.BuildServiceProvider())
        {
            payload = provider.GetRequiredService<IDataProtectionProvider>().CreateProtector("orders").Protect("order 42");
        }

        await using var app = await StartAsync(await LibraryHost.CreateBuilderAsync(env, before: HostDataProtection));

        Assert.Equal("order 42", app.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("orders").Unprotect(payload));
        using var browser = new TestBrowser();
        await browser.LoginAsync(app.BoundAddress());
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{app.BoundAddress()}/bff/user")).Status);
    }

    [Fact]
    public async Task AddBff_alone_keeps_sessions_server_side()
    {
        await using var app = await StartAsync(await LibraryHost.CreateBuilderAsync(env, serverSideSessions: false));
        using var browser = new TestBrowser();

        await browser.LoginAsync(app.BoundAddress());

        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{app.BoundAddress()}/bff/user")).Status);
        var sessions = await app.Services.GetRequiredService<IUserSessionStore>().FindAsync(new UserSessionFilter { SubjectId = "alice" }, CancellationToken.None);
        Assert.Single(sessions);
        Assert.True(browser.CookieValue(app.BoundAddress(), "__Host-bff")!.Length < 1000, "the cookie holds a key, not the tokens");
    }

    [Fact]
    public async Task AddBff_called_twice_registers_once_and_keeps_both_configurations()
    {
        var builder = await LibraryHost.CreateBuilderAsync(env);
        builder.Services.AddBff(o => o.AnonymousSessionResponse = AnonymousSessionResponse.Response200); // e.g. a library's call after the host's

        await using var app = await StartAsync(builder);
        using var browser = new TestBrowser();

        Assert.Equal("null", (await browser.ApiAsync($"{app.BoundAddress()}/bff/user")).Body);
        await browser.LoginAsync(app.BoundAddress());
        Assert.Equal(HttpStatusCode.OK, (await browser.ApiAsync($"{app.BoundAddress()}/bff/user")).Status);
    }

    private static Task<WebApplication> StartAsync(WebApplicationBuilder builder) => LibraryHost.StartAsync(builder);
}
