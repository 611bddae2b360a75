using System.Diagnostics;

namespace Bff.Tests.Infrastructure;

/// <summary>Runs a command line tool (dotnet, npm) to its end, as a user would type it.</summary>
public static class Cli
{
    /// <summary>Runs <paramref name="command"/> and answers its output; a non-zero exit fails the test with that output.</summary>
    public static async Task<string> RunAsync(string? workingDirectory, string command, params string[] arguments)
    {
        var info = new ProcessStartInfo(command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        var output = await stdout + await stderr;
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', arguments)} exited with {process.ExitCode}\n{output}");
        return output;
    }
}
