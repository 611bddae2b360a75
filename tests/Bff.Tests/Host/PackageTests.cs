using System.IO.Compression;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Host;

/// <summary>
/// The NuGet package, used from outside the repository as a team would: packed to a folder feed,
/// added with <c>dotnet add package</c> to an app made by <c>dotnet new web</c> in a temporary
/// folder (no Directory.Build.props, no project reference), wired with the README's Program.cs and
/// appsettings.json, then a login through the dev IdP and calls to the proxied and the local API.
/// A package missing a dependency, a public type, or a README that lies fails here.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed partial class PackageTests(IdpFixture env)
{
    [Fact]
    public async Task An_app_made_with_dotnet_new_web_and_the_readme_lines_logs_in_and_calls_its_apis_through_the_package()
    {
        using var work = new TempDirectory("bff-package");
        using var library = await PackedLibrary.PackAsync(work.Path);
        var app = Path.Combine(work.Path, "MyBff");
        await Cli.RunAsync(work.Path, "dotnet", "new", "web", "-o", app, "-n", "MyBff");
        library.WriteNuGetConfig(app);
        await Cli.RunAsync(app, "dotnet", "add", "package", "OpenBff", "--version", library.Version);
        var readme = Readme.Load();
        File.WriteAllText(Path.Combine(app, "Program.cs"), readme.ProgramCs);
        File.WriteAllText(Path.Combine(app, "appsettings.json"), readme.AppSettingsJson);
        await Cli.RunAsync(app, "dotnet", "build", "-c", "Release", "-o", Path.Combine(app, "out"));

        var settings = new Dictionary<string, string?>
        {
            // What an operator changes in the README's appsettings.json: the provider, the client, the API's address.
            ["Bff:Oidc:Authority"] = env.Idp.Url,
            ["Bff:Oidc:RequireHttpsMetadata"] = "false",
            ["Bff:DataPath"] = env.NewFolder(),
            ["ReverseProxy:Clusters:api:Destinations:d1:Address"] = env.Api.Url,
        };
        (settings["Bff:Oidc:ClientId"], settings["Bff:Oidc:ClientSecret"]) = await env.Idp.RegisterClientAsync("http://127.0.0.1");
        await using var bff = await BffProcess.StartAsync(settings, Path.Combine(app, "out", "MyBff.dll"), workingDirectory: Path.Combine(app, "out")); // its appsettings.json beside it, as deployed
        using var browser = new TestBrowser();

        var anonymous = await browser.ApiAsync($"{bff.Url}/bff/user");
        await browser.LoginAsync(bff.Url);
        var user = await browser.ApiAsync($"{bff.Url}/bff/user");
        var proxied = await browser.ApiAsync($"{bff.Url}/api/hello");
        var local = await browser.ApiAsync($"{bff.Url}/local/me");
        var withoutCsrfHeader = await browser.GetAsync($"{bff.Url}/api/hello");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.Status);
        Assert.Equal(HttpStatusCode.OK, user.Status);
        var sub = new UserClaims(user.Body).Value("sub");
        Assert.True(proxied.Status == HttpStatusCode.OK, $"{(int)proxied.Status} {proxied.Body}\n{bff.Output}\n{string.Join("\n", env.Logs.Lines.Where(l => l.Contains("JwtBearer", StringComparison.Ordinal)).TakeLast(5))}");
        Assert.Equal(sub, JsonDocument.Parse(proxied.Body).RootElement.GetProperty("sub").GetString()); // the user's token reached the API
        Assert.Equal(HttpStatusCode.OK, local.Status);
        Assert.Equal(sub, JsonDocument.Parse(local.Body).RootElement.GetProperty("sub").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, withoutCsrfHeader.Status);
        Assert.DoesNotContain("fail:", bff.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_package_carries_its_metadata_readme_icon_licence_docs_and_symbols_and_nothing_else()
    {
        using var work = new TempDirectory("bff-package");
        using var library = await PackedLibrary.PackAsync(work.Path, "0.1.0-contents");

        using var package = ZipFile.OpenRead(library.PackagePath);
        var entries = package.Entries.Select(e => e.FullName).Where(n => !n.StartsWith("_rels/", StringComparison.Ordinal) && !n.StartsWith("package/", StringComparison.Ordinal) && n != "[Content_Types].xml").Order().ToArray();
        XNamespace ns = "http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd";
        var metadata = XDocument.Load(package.GetEntry("OpenBff.nuspec")!.Open()).Root!.Element(ns + "metadata")!;
        string? Value(string name) => metadata.Element(ns + name)?.Value;
        var dependencies = metadata.Descendants(ns + "dependency").Select(d => d.Attribute("id")!.Value).ToArray();

        Assert.Equal(["LICENSE", "OpenBff.nuspec", "README.md", "icon.png", "lib/net10.0/OpenBff.dll", "lib/net10.0/OpenBff.xml"], entries);
        Assert.Equal("OpenBff", Value("id"));
        Assert.Equal("MIT", Value("license"));
        Assert.Equal("README.md", Value("readme"));
        Assert.Equal("icon.png", Value("icon"));
        Assert.Contains("token handler", Value("description"), StringComparison.Ordinal);
        Assert.Contains("openid-connect", Value("tags"), StringComparison.Ordinal);
        Assert.NotNull(metadata.Element(ns + "repository")?.Attribute("commit")); // SourceLink: the commit the package was built from
        Assert.Contains("Yarp.ReverseProxy", dependencies);
        Assert.DoesNotContain(dependencies, d => d.Contains("Analyzers", StringComparison.Ordinal)); // build-time only
        Assert.True(File.Exists(Path.ChangeExtension(library.PackagePath, ".snupkg")), "the symbols package is made beside it");
        Assert.Equal(File.ReadAllText(Path.Combine(RepoPaths.Root(), "src", "Bff", "README.md")), new StreamReader(package.GetEntry("README.md")!.Open()).ReadToEnd());
    }

    [Fact]
    public void The_root_readme_shows_the_same_program_and_settings_as_the_package_readme()
    {
        var package = Readme.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root(), "src", "Bff", "README.md")));
        var root = Readme.Parse(Section(File.ReadAllText(Path.Combine(RepoPaths.Root(), "README.md")), "## Hosting the BFF in your own ASP.NET Core app"));

        Assert.Equal(package.ProgramCs, root.ProgramCs);
        Assert.Equal(package.AppSettingsJson, root.AppSettingsJson);
    }

    private static string Section(string markdown, string heading)
    {
        var start = markdown.IndexOf(heading, StringComparison.Ordinal);
        Assert.True(start >= 0, $"README.md has no '{heading}'");
        var end = markdown.IndexOf("\n## ", start + heading.Length, StringComparison.Ordinal);
        return end < 0 ? markdown[start..] : markdown[start..end];
    }

    /// <summary>The package README's Program.cs and appsettings.json: its first <c>csharp</c> and first <c>json</c> blocks.</summary>
    private sealed partial record Readme(string ProgramCs, string AppSettingsJson)
    {
        public static Readme Load() => Parse(File.ReadAllText(Path.Combine(RepoPaths.Root(), "src", "Bff", "README.md")));

        public static Readme Parse(string markdown)
        {
            var blocks = CodeBlock().Matches(markdown).Select(m => (Language: m.Groups[1].Value, Code: m.Groups[2].Value)).ToArray();
            var program = blocks.FirstOrDefault(b => b.Language == "csharp").Code;
            var settings = blocks.FirstOrDefault(b => b.Language == "json").Code;
            Assert.False(program is null, "no ```csharp block (Program.cs)");
            Assert.False(settings is null, "no ```json block (appsettings.json)");
            return new Readme(program, settings);
        }

        [GeneratedRegex(@"```(\w+)\n(.*?)```", RegexOptions.Singleline)]
        private static partial Regex CodeBlock();
    }
}
