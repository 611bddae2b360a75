using Microsoft.Playwright;

namespace Bff.E2E;

/// <summary>
/// The whole demo as separate processes (dev IdP, sample API, BFF host serving the built SPA),
/// and Debian's Chromium driven by Playwright.
/// </summary>
public sealed class DemoFixture : IAsyncLifetime
{
    private readonly string _data = Path.Combine(Path.GetTempPath(), $"bff-e2e-{Guid.NewGuid():N}");
    private IPlaywright? _playwright;

    public AppProcess Idp { get; private set; } = null!;

    public AppProcess Api { get; private set; } = null!;

    public AppProcess Bff { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>BFF hosts per session store and SameSite setting, with the IdP on another site.</summary>
    public CrossSiteBffs CrossSiteBffs { get; private set; } = null!;

    /// <summary>The refresh tokens the IdP issued, as its own database records them.</summary>
    public IdpRefreshTokens IdpRefreshTokens => new(Path.Combine(_data, "idp", "devidp.db"));

    /// <summary>Pages of an origin the demo BFF lists in <c>Bff:AllowedOrigins</c> (<c>http://localhost:port</c>: the same site).</summary>
    public PageServer AllowedPages { get; private set; } = null!;

    /// <summary>Pages of an origin the demo BFF does not know: the same site as <c>Url</c>, another site as <c>IpUrl</c>.</summary>
    public PageServer OtherPages { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        AllowedPages = await PageServer.StartAsync();
        OtherPages = await PageServer.StartAsync();
        Idp = await AppProcess.StartAsync("Bff.DevIdp", "--Idp:DataPath", Path.Combine(_data, "idp"));
        Api = await AppProcess.StartAsync("Bff.SampleApi", "--SampleApi:Authority", Idp.Url, "--SampleApi:RequireHttpsMetadata", "false");
        Bff = await AppProcess.StartAsync(
            "Bff.Host",
            "--Bff:Oidc:Authority", Idp.Url,
            "--Bff:Oidc:ClientId", "bff",
            "--Bff:Oidc:ClientSecret", "bff-secret",
            "--Bff:Oidc:RequireHttpsMetadata", "false",
            "--Bff:Oidc:Scope", "openid profile email offline_access api",
            "--Bff:DataPath", Path.Combine(_data, "bff"),
            "--ReverseProxy:Routes:api:ClusterId", "api",
            "--ReverseProxy:Routes:api:Match:Path", "/api/{**rest}",
            "--ReverseProxy:Routes:api:Metadata:Bff.TokenType", "User",
            "--ReverseProxy:Clusters:api:Destinations:sample:Address", Api.Url,
            "--Bff:AllowedOrigins:0", AllowedPages.Url);

        CrossSiteBffs = new CrossSiteBffs(Idp, _data);

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (CrossSiteBffs is not null)
        {
            await CrossSiteBffs.DisposeAsync();
        }

        foreach (var app in new[] { Bff, Api, Idp })
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
        }

        foreach (var pages in new[] { AllowedPages, OtherPages })
        {
            if (pages is not null)
            {
                await pages.DisposeAsync();
            }
        }

        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
