using System.Net;
using System.Text.RegularExpressions;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Host;

/// <summary>
/// The README's <c>dotnet publish src/Bff.Host</c> gives a host that serves the SPA: the publish
/// builds client-app into the published <c>wwwroot</c> (<c>-p:BuildSpa=false</c> leaves it out).
/// Published from a copy of the sources as a fresh clone has them (no build output, no wwwroot),
/// with the repository's node_modules linked, so the source tree is left as it is.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed partial class PublishTests(IdpFixture env)
{
    [Fact]
    public async Task The_published_host_serves_the_spa_and_its_assets()
    {
        using var clone = new TempDirectory("bff-clone");
        using var output = new TempDirectory("bff-publish");
        CopySources(RepoPaths.Root(), clone.Path); // as a fresh clone has them: no build output, no wwwroot
        foreach (var modules in new[] { "node_modules", Path.Combine("client-app", "node_modules") }.Where(m => Directory.Exists(Path.Combine(RepoPaths.Root(), m))))
        {
            File.CreateSymbolicLink(Path.Combine(clone.Path, modules), Path.Combine(RepoPaths.Root(), modules)); // as npm ci leaves them
        }

        Assert.False(Directory.Exists(Path.Combine(clone.Path, "src", "Bff.Host", "wwwroot")));

        await Cli.RunAsync(null, "dotnet", "publish", Path.Combine(clone.Path, "src", "Bff.Host"), "-c", "Release", "-o", output.Path, "-nologo");

        var settings = TestBff.DefaultSettings(env.Idp.Url, env.Api.Url, env.NewFolder());
        settings.Remove("Bff:Spa:Path"); // the published wwwroot, as a deployment has it
        (settings["Bff:Oidc:ClientId"], settings["Bff:Oidc:ClientSecret"]) = await env.Idp.RegisterClientAsync("http://127.0.0.1");
        await using var bff = await BffProcess.StartAsync(settings, Path.Combine(output.Path, "Bff.Host.dll"));
        using var browser = new TestBrowser();

        var page = await browser.GetAsync($"{bff.Url}/");
        var script = ScriptSource().Match(page.Body);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.True(script.Success, page.Body);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync($"{bff.Url}{script.Groups[1].Value}")).Status);
    }

    /// <summary>The files a publish of the host reads: the root's files, the library, the host, the SPA's sources and the client package it imports.</summary>
    private static void CopySources(string root, string target)
    {
        foreach (var file in Directory.EnumerateFiles(root))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        foreach (var folder in new[] { Path.Combine("src", "Bff"), Path.Combine("src", "Bff.Host"), "client-app", Path.Combine("packages", "client") })
        {
            CopyFolder(Path.Combine(root, folder), Path.Combine(target, folder));
        }
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }

        foreach (var folder in Directory.EnumerateDirectories(from).Where(d => Path.GetFileName(d) is not ("bin" or "obj" or "node_modules" or "wwwroot" or "dist")))
        {
            CopyFolder(folder, Path.Combine(to, Path.GetFileName(folder)));
        }
    }

    [GeneratedRegex(@"<script[^>]+src=""(/[^""]+\.js)""")]
    private static partial Regex ScriptSource();
}
