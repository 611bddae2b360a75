namespace Bff.Tests.Infrastructure;

/// <summary>
/// The library's NuGet package (OpenBff) packed from the tests' build into a folder feed under a
/// version no earlier run used, so that an app's restore takes it from that feed and never from
/// the global packages folder. Disposing removes that version from the global packages folder,
/// which would otherwise grow with each run.
/// </summary>
public sealed class PackedLibrary : IDisposable
{
    private PackedLibrary(string feed, string version)
    {
        Feed = feed;
        Version = version;
    }

    /// <summary>The folder holding <c>OpenBff.{Version}.nupkg</c> and its <c>.snupkg</c>.</summary>
    public string Feed { get; }

    public string Version { get; }

    public string PackagePath => Path.Combine(Feed, $"OpenBff.{Version}.nupkg");

    /// <summary>Packs the library as built for the tests (<c>--no-build</c>).</summary>
    /// <param name="folder">Where the feed (<c>feed/</c>) and the nuspec (<c>nuspec/</c>, rather than the source tree's obj/) go.</param>
    /// <param name="version">A fixed version for a package that is only read, never restored; a fresh one by default.</param>
    public static async Task<PackedLibrary> PackAsync(string folder, string? version = null)
    {
        var feed = Directory.CreateDirectory(Path.Combine(folder, "feed")).FullName;
        version ??= $"0.1.0-test-{Guid.NewGuid():N}"[..24];
        var project = Path.Combine(RepoPaths.Root(), "src", "Bff", "Bff.csproj");
        await Cli.RunAsync(null, "dotnet", "pack", project, "-c", RepoPaths.Configuration(), "--no-build", "-o", feed, $"-p:Version={version}", $"-p:NuspecOutputPath={Path.Combine(folder, "nuspec")}");
        return new PackedLibrary(feed, version);
    }

    /// <summary>A <c>nuget.config</c> in <paramref name="appFolder"/> that adds the feed to the user's sources.</summary>
    public void WriteNuGetConfig(string appFolder) =>
        File.WriteAllText(Path.Combine(appFolder, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="openbff-packed" value="{Feed}" />
              </packageSources>
            </configuration>
            """);

    public void Dispose()
    {
        var root = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var folder = Path.Combine(root, "openbff", Version);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
