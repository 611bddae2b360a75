namespace Bff.Tests.Infrastructure;

public static class RepoPaths
{
    public static string Root()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Bff.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Bff.sln not found above the test folder.");
    }

    /// <summary>The build configuration of the tests (and of the programs built with them): Release or Debug.</summary>
    public static string Configuration() =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>The built Bff.Host.dll of the same configuration as the tests.</summary>
    public static string HostDll()
    {
        var path = Path.Combine(Root(), "src", "Bff.Host", "bin", Configuration(), "net10.0", "Bff.Host.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build Bff.Host first.", path);
    }
}
