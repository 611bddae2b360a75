using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Bff.E2E;

/// <summary>
/// One of the real, built programs (dev IdP, sample API, BFF host) in its own process on a free
/// loopback port; the port is read from Kestrel's "Now listening on" line, so there is no race.
/// </summary>
public sealed partial class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private AppProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    /// <summary>The base URL, with <c>localhost</c> as the host (browsers treat it as a secure context).</summary>
    public string Url { get; private set; } = string.Empty;

    /// <summary>
    /// The base URL with <c>127.0.0.1</c> as the host: another site than <see cref="Url"/> for the
    /// browser (SameSite compares hosts, not ports), and still a secure context (a loopback address).
    /// </summary>
    public string IpUrl { get; private set; } = string.Empty;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<AppProcess> StartAsync(string project, params string[] args)
    {
        var dll = Path.Combine(RepoRoot(), "src", project, "bin", BuildConfiguration(), "net10.0", $"{project}.dll");
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"Build {project} first.", dll);
        }

        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(dll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add("http://127.0.0.1:0");
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        info.Environment["Logging__Console__FormatterName"] = "simple";

        var app = new AppProcess(project, Process.Start(info)!);
        app._process.OutputDataReceived += (_, e) => app.OnLine(e.Data);
        app._process.ErrorDataReceived += (_, e) => app.OnLine(e.Data);
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();

        var exited = app._process.WaitForExitAsync();
        var first = await Task.WhenAny(app._listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != app._listening.Task)
        {
            await app.DisposeAsync();
            throw new InvalidOperationException($"{project} did not start listening:\n{app.Output}");
        }

        var port = new Uri(await app._listening.Task).Port;
        app.Url = $"http://localhost:{port}";
        app.IpUrl = $"http://127.0.0.1:{port}";
        return app;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Bff.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Bff.sln not found.");
    }

    private static string BuildConfiguration() =>
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        var match = ListeningLine().Match(line);
        if (match.Success)
        {
            _listening.TrySetResult(match.Groups[1].Value);
        }
    }

    [GeneratedRegex(@"Now listening on: (http://[^\s]+)")]
    private static partial Regex ListeningLine();
}
