using System.IO.Compression;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Bff.DevIdp;
using Bff.Testing;
using Bff.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace Bff.Tests.Host;

/// <summary>
/// The <c>dotnet new bff-spa</c> template (templates/bff-spa), used as its README says, from
/// outside the repository: installed into a template hive of its own (the user's template cache
/// is never touched), an app made for the test IdP and API with the OpenBff package from a packed
/// feed and <c>@openbff/client</c> from its packed tarball, the host built and the SPA built into
/// its wwwroot, then run as <c>dotnet run</c> runs it, logged in, used through its Vite dev server
/// (<c>npm run dev</c>, the README's hot-reload loop), and published.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed partial class TemplateTests(IdpFixture env)
{
    private const string AppName = "Contoso.Portal"; // replaces MyApp: the project, its assembly, the page title

    [Fact]
    public async Task An_app_made_with_dotnet_new_bff_spa_serves_its_spa_logs_in_calls_its_apis_runs_its_vite_dev_loop_and_publishes_the_spa()
    {
        using var work = new TempDirectory("bff-template");
        var libraryPack = PackedLibrary.PackAsync(work.Path);
        var clientPack = PackClientAsync(work.Path); // builds the package first
        await Task.WhenAll(libraryPack, clientPack);
        using var library = await libraryPack;
        var hive = Path.Combine(work.Path, "hive");
        var app = Path.Combine(work.Path, AppName);
        var (clientId, clientSecret) = await env.Idp.RegisterClientAsync("http://127.0.0.1");

        await DotnetNewAsync(hive, "install", Path.Combine(RepoPaths.Root(), "templates", "bff-spa"));
        await DotnetNewAsync(hive, "bff-spa", "-o", app, "--authority", env.Idp.Url, "--client-id", clientId, "--client-secret", clientSecret, "--api-url", env.Api.Url, "--openbff-version", library.Version);
        // The app's README, "Packages from a clone": a nuget.config with the packed feed.
        await DotnetNewAsync(hive, "nugetconfig", "-o", app);
        await Cli.RunAsync(app, "dotnet", "nuget", "add", "source", library.Feed, "--name", "openbff-local", "--configfile", "nuget.config");
        await Task.WhenAll(Cli.RunAsync(app, "dotnet", "build"), BuildSpaAsync(await clientPack, Path.Combine(app, "ClientApp")));

        using var browser = new TestBrowser();
        Spa spa;
        HttpStatusCode deepLink, mistypedBffPath, anonymous, withoutCsrfHeader;
        BrowserResponse user, proxied, local;
        DevLoop devLoop;
        string output;
        // Configured by the template's options alone: no setting on the command line. Development, as launchSettings.json runs it.
        await using (var bff = await BffProcess.StartAsync(new Dictionary<string, string?>(), Path.Combine(app, "bin", "Debug", "net10.0", $"{AppName}.dll"), workingDirectory: app))
        {
            spa = await Spa.GetAsync(browser, bff.Url);
            deepLink = (await browser.GetAsync($"{bff.Url}/orders/42")).Status;
            mistypedBffPath = (await browser.ApiAsync($"{bff.Url}/bff/usr")).Status;
            anonymous = (await browser.ApiAsync($"{bff.Url}/bff/user")).Status;
            await browser.LoginAsync(bff.Url);
            user = await browser.ApiAsync($"{bff.Url}/bff/user");
            proxied = await browser.ApiAsync($"{bff.Url}/api/hello");
            local = await browser.ApiAsync($"{bff.Url}/local/me");
            withoutCsrfHeader = (await browser.GetAsync($"{bff.Url}/api/hello")).Status;

            // The README's "Develop with hot reload": npm run dev beside the host, the browser on Vite's origin.
            await using (var vite = await ViteDevServer.StartAsync(Path.Combine(app, "ClientApp"), ["run", "dev", "--", "--host", "127.0.0.1", "--port", "0"], new Dictionary<string, string> { ["HOST_URL"] = bff.Url }))
            {
                devLoop = await DevLoop.RunAsync(vite);
            }

            output = bff.Output;
        }

        // dotnet publish builds the SPA into the published wwwroot, also when there is none yet (it is git-ignored).
        // Debug: the configuration just built, so that only the publish steps run.
        Directory.Delete(Path.Combine(app, "wwwroot"), recursive: true);
        var published = Path.Combine(work.Path, "published");
        await Cli.RunAsync(app, "dotnet", "publish", "-c", "Debug", "-o", published);
        await using var deployed = await BffProcess.StartAsync(new Dictionary<string, string?>(), Path.Combine(published, $"{AppName}.dll"), workingDirectory: published);
        using var anotherBrowser = new TestBrowser();
        var publishedSpa = await Spa.GetAsync(anotherBrowser, deployed.Url);

        Assert.Equal(HttpStatusCode.OK, spa.Page.Status);
        Assert.Contains($"<title>{AppName}</title>", spa.Page.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, spa.Script.Status);
        Assert.Contains("/bff/user", spa.Script.Body, StringComparison.Ordinal); // @openbff/client, bundled
        Assert.Contains("/api/hello", spa.Script.Body, StringComparison.Ordinal); // the app's own code
        Assert.Equal(HttpStatusCode.OK, deepLink); // the SPA's own routes get its index.html
        Assert.Equal(HttpStatusCode.NotFound, mistypedBffPath);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous);
        Assert.Equal(HttpStatusCode.OK, user.Status);
        var sub = new UserClaims(user.Body).Value("sub");
        Assert.True(proxied.Status == HttpStatusCode.OK, $"{(int)proxied.Status} {proxied.Body}\n{output}");
        Assert.Equal(sub, JsonDocument.Parse(proxied.Body).RootElement.GetProperty("sub").GetString()); // the user's token reached the API
        Assert.Equal(HttpStatusCode.OK, local.Status);
        Assert.Equal(sub, JsonDocument.Parse(local.Body).RootElement.GetProperty("sub").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, withoutCsrfHeader);

        // Vite serves the SPA's source, and sends the host's paths on to it: the login comes back to
        // Vite's origin (the host kept its Host), the session cookie is on that origin, and the API
        // call through Vite carries the user's token.
        Assert.Equal(HttpStatusCode.OK, devLoop.Page.Status);
        Assert.Contains($"<title>{AppName}</title>", devLoop.Page.Body, StringComparison.Ordinal);
        Assert.Contains("/@vite/client", devLoop.Page.Body, StringComparison.Ordinal); // the dev server's page, not the built one
        Assert.Equal(HttpStatusCode.OK, devLoop.Module.Status);
        Assert.Contains("/api/hello", devLoop.Module.Body, StringComparison.Ordinal); // src/main.ts, compiled on request
        Assert.Equal(HttpStatusCode.Unauthorized, devLoop.Anonymous);
        Assert.StartsWith($"{devLoop.Url}/signin-oidc?", devLoop.Callback.ToString(), StringComparison.Ordinal);
        Assert.NotNull(devLoop.SessionCookie);
        Assert.Equal(HttpStatusCode.OK, devLoop.User.Status);
        Assert.Equal(sub, new UserClaims(devLoop.User.Body).Value("sub"));
        Assert.True(devLoop.Proxied.Status == HttpStatusCode.OK, $"{(int)devLoop.Proxied.Status} {devLoop.Proxied.Body}\n{devLoop.Output}");
        Assert.Equal(sub, JsonDocument.Parse(devLoop.Proxied.Body).RootElement.GetProperty("sub").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, devLoop.WithoutCsrfHeader);
        Assert.DoesNotContain("fail:", output, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, publishedSpa.Page.Status);
        Assert.Equal(HttpStatusCode.OK, publishedSpa.Script.Status);
        Assert.Equal(spa.Script.Body, publishedSpa.Script.Body);
    }

    [Fact]
    public async Task The_template_package_makes_by_default_an_app_for_the_dev_idp_and_sample_api_of_npm_start_on_the_current_package_versions()
    {
        using var work = new TempDirectory("bff-template");
        var hive = Path.Combine(work.Path, "hive");
        var app = Path.Combine(work.Path, "MyApp");
        var feed = Path.Combine(work.Path, "feed");
        var templates = Path.Combine(RepoPaths.Root(), "templates");
        // --artifacts-path: its obj/ and bin/ outside the source tree.
        await Cli.RunAsync(null, "dotnet", "pack", Path.Combine(templates, "OpenBff.Templates.csproj"), "-o", feed, "--artifacts-path", Path.Combine(work.Path, "artifacts"));
        var package = Directory.GetFiles(feed, "OpenBff.Templates.*.nupkg").Single();
        await DotnetNewAsync(hive, "install", package);
        await DotnetNewAsync(hive, "bff-spa", "-o", app);

        var production = new ConfigurationBuilder().SetBasePath(app).AddJsonFile("appsettings.json").Build();
        var development = new ConfigurationBuilder().SetBasePath(app).AddJsonFile("appsettings.json").AddJsonFile("appsettings.Development.json").Build();
        var reference = XDocument.Load(Path.Combine(app, "MyApp.csproj")).Descendants("PackageReference").Single(r => (string?)r.Attribute("Include") == "OpenBff");
        var libraryVersion = XDocument.Load(Path.Combine(RepoPaths.Root(), "src", "Bff", "Bff.csproj")).Descendants("VersionPrefix").Single().Value;
        var clientDependency = Json(Path.Combine(app, "ClientApp", "package.json"))["dependencies:@openbff/client"];
        var clientVersion = Json(Path.Combine(RepoPaths.Root(), "packages", "client", "package.json"))["version"];
        var hostUrl = Json(Path.Combine(app, "Properties", "launchSettings.json"))["profiles:http:applicationUrl"];
        var viteConfig = File.ReadAllText(Path.Combine(app, "ClientApp", "vite.config.ts"));
        var npmStart = File.ReadAllText(Path.Combine(RepoPaths.Root(), "scripts", "start.mjs"));
        using var zip = ZipFile.OpenRead(package);
        var packed = zip.Entries.Select(e => e.FullName).Where(n => n.StartsWith("content/bff-spa/", StringComparison.Ordinal)).Select(n => n["content/bff-spa/".Length..]).Order().ToArray();
        var sources = TemplateSources(Path.Combine(templates, "bff-spa"));

        // npm start runs the dev IdP on 5001 and the sample API on 5002; the dev IdP's demo client accepts any loopback port.
        Assert.Matches(@"IDP_PORT\W{1,8}5001\b", npmStart); // e.g. port('IDP_PORT', 5001)
        Assert.Matches(@"API_PORT\W{1,8}5002\b", npmStart);
        Assert.Equal("http://localhost:5001", production["Bff:Oidc:Authority"]);
        Assert.Equal(IdpOptionsDefaults.DefaultClientId, production["Bff:Oidc:ClientId"]);
        Assert.Equal("http://localhost:5002/", production["ReverseProxy:Clusters:api:Destinations:d1:Address"]);
        Assert.Equal(IdpOptionsDefaults.DefaultClientSecret, development["Bff:Oidc:ClientSecret"]);
        Assert.Equal("False", development["Bff:Oidc:RequireHttpsMetadata"]);
        Assert.Null(production["Bff:Oidc:ClientSecret"]); // a secret only in the Development file
        Assert.Null(production["Bff:Oidc:RequireHttpsMetadata"]); // a plain-http provider only in Development
        Assert.Equal(libraryVersion, (string?)reference.Attribute("Version"));
        Assert.Equal($"^{clientVersion}", clientDependency);
        Assert.Equal("http://localhost:5100", hostUrl);
        Assert.Contains($"'{hostUrl}'", viteConfig, StringComparison.Ordinal); // npm run dev proxies to dotnet run's port
        Assert.Equal(sources, packed); // .template.config and .gitignore included; no bin, obj, node_modules, wwwroot
    }

    private static Task<string> DotnetNewAsync(string hive, params string[] arguments) =>
        Cli.RunAsync(null, "dotnet", ["new", .. arguments, "--debug:custom-hive", hive]);

    /// <summary><c>npm pack</c> of <c>@openbff/client</c>, as the app's README has it made from a clone; answers the tarball.</summary>
    private static async Task<string> PackClientAsync(string work)
    {
        var folder = Directory.CreateDirectory(Path.Combine(work, "npm")).FullName;
        await Cli.RunAsync(RepoPaths.Root(), "npm", "pack", "--workspace", "@openbff/client", "--pack-destination", folder);
        return Directory.GetFiles(folder, "openbff-client-*.tgz").Single();
    }

    /// <summary>The app's README for the SPA with <c>@openbff/client</c> from a clone: the tarball installed by path, then <c>npm run build</c> (into ../wwwroot).</summary>
    private static async Task BuildSpaAsync(string clientTarball, string clientApp)
    {
        await Cli.RunAsync(clientApp, "npm", "install", clientTarball, "--no-audit", "--no-fund", "--prefer-offline");
        await Cli.RunAsync(clientApp, "npm", "run", "build");
    }

    private static IConfigurationRoot Json(string path) => new ConfigurationBuilder().AddJsonFile(path).Build();

    /// <summary>The template's files, as the package should hold them (without what a build or an npm install left in the folder).</summary>
    private static string[] TemplateSources(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
            .Where(f => !BuildLeftovers().IsMatch(f))
            .Order()
            .ToArray();

    [GeneratedRegex(@"(^|/)(bin|obj|node_modules)/|^(wwwroot|data)/|package-lock\.json$")]
    private static partial Regex BuildLeftovers();

    /// <summary>What a browser on Vite's dev server (<c>npm run dev</c>) gets: the page, its module, a login and the calls after it, all on Vite's origin.</summary>
    private sealed record DevLoop(
        string Url,
        BrowserResponse Page,
        BrowserResponse Module,
        HttpStatusCode Anonymous,
        Uri Callback,
        string? SessionCookie,
        BrowserResponse User,
        BrowserResponse Proxied,
        HttpStatusCode WithoutCsrfHeader,
        string Output)
    {
        public static async Task<DevLoop> RunAsync(ViteDevServer vite)
        {
            using var browser = new TestBrowser();
            var page = await browser.GetAsync($"{vite.Url}/");
            var module = await browser.GetAsync($"{vite.Url}/src/main.ts");
            var anonymous = (await browser.ApiAsync($"{vite.Url}/bff/user")).Status;
            var callback = await browser.CallbackUrlAsync(vite.Url);
            var signedIn = await browser.GetAsync(callback.ToString());
            await browser.FollowAsync(signedIn);
            return new DevLoop(
                vite.Url,
                page,
                module,
                anonymous,
                callback,
                browser.CookieValue(vite.Url, "__Host-bff"),
                await browser.ApiAsync($"{vite.Url}/bff/user"),
                await browser.ApiAsync($"{vite.Url}/api/hello"),
                (await browser.GetAsync($"{vite.Url}/api/hello")).Status,
                vite.Output);
        }
    }

    /// <summary>The page at <c>/</c> and the script it loads.</summary>
    private sealed partial record Spa(BrowserResponse Page, BrowserResponse Script)
    {
        public static async Task<Spa> GetAsync(TestBrowser browser, string url)
        {
            var page = await browser.GetAsync($"{url}/");
            var script = ScriptSource().Match(page.Body);
            Assert.True(script.Success, $"no script in {(int)page.Status} {page.Body}");
            return new Spa(page, await browser.GetAsync($"{url}{script.Groups[1].Value}"));
        }

        [GeneratedRegex(@"<script[^>]+src=""(/[^""]+\.js)""")]
        private static partial Regex ScriptSource();
    }
}
