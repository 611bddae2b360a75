using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using Bff.Tests.Infrastructure;

namespace Bff.Tests.Host;

/// <summary>
/// The README's <c>dotnet publish src/Bff.Host</c> gives a host that serves the SPA: the publish
/// builds client-app into the published <c>wwwroot</c> (<c>-p:BuildSpa=false</c> leaves it out).
/// In the serial collection: the test empties the source tree's wwwroot, as a fresh clone has it,
/// and the publish builds it again.
/// </summary>
[Collection(SerialCollection.Name)]
public sealed partial class PublishTests(IdpFixture env)
{
    [Fact]
    public async Task The_published_host_serves_the_spa_and_its_assets()
    {
        using var output = new TempDirectory("bff-publish");
        var wwwroot = Path.Combine(RepoPaths.Root(), "src", "Bff.Host", "wwwroot");
        if (Directory.Exists(wwwroot))
        {
            Directory.Delete(wwwroot, recursive: true); // as in a fresh clone: only the publish can build it
        }

        await PublishAsync(output.Path);

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

    private static async Task PublishAsync(string output)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in new[] { "publish", Path.Combine(RepoPaths.Root(), "src", "Bff.Host"), "-c", "Release", "-o", output, "-nologo" })
        {
            info.ArgumentList.Add(argument);
        }

        using var publish = Process.Start(info)!;
        var stdout = publish.StandardOutput.ReadToEndAsync();
        var stderr = publish.StandardError.ReadToEndAsync();
        await publish.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        Assert.True(publish.ExitCode == 0, await stdout + await stderr);
    }

    [GeneratedRegex(@"<script[^>]+src=""(/[^""]+\.js)""")]
    private static partial Regex ScriptSource();
}
