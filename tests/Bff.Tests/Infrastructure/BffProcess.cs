using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Bff.Tests.Infrastructure;

/// <summary>
/// The built Bff.Host in a process of its own (real time, its own memory), configured on the
/// command line as an operator would, so that a test can kill it with SIGKILL at any instant and
/// start it again on the same port with the same data folder.
/// </summary>
public sealed partial class BffProcess : IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly string _hostDll;
    private readonly string? _workingDirectory;
    private readonly StringBuilder _output = new();
    private Process? _process;
    private TaskCompletionSource<string> _listening = NewListening();

    private BffProcess(IReadOnlyDictionary<string, string?> settings, string hostDll, string? workingDirectory)
    {
        _settings = settings;
        _hostDll = hostDll;
        _workingDirectory = workingDirectory;
    }

    /// <summary>The base URL; the same after every restart.</summary>
    public string Url { get; private set; } = "http://127.0.0.1:0";

    /// <summary>Everything every run of the process wrote.</summary>
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

    /// <param name="settings">The host's configuration, as command-line arguments.</param>
    /// <param name="hostDll">The host to run: the build's (default) or, e.g., a published one.</param>
    /// <param name="workingDirectory">The process's current folder, which is an ASP.NET Core app's content root (its appsettings.json); the test's by default.</param>
    public static async Task<BffProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, string? hostDll = null, string? workingDirectory = null)
    {
        var bff = new BffProcess(settings, hostDll ?? RepoPaths.HostDll(), workingDirectory);
        await bff.RunAsync();
        return bff;
    }

    /// <summary>SIGKILL: no shutdown, no flush, nothing in memory survives.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Starts the process again, on the same port and data folder.</summary>
    public Task RestartAsync() => RunAsync();

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        _process?.Dispose();
    }

    private async Task RunAsync()
    {
        _process?.Dispose();
        _listening = NewListening();
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _workingDirectory ?? Environment.CurrentDirectory,
        };
        info.ArgumentList.Add(_hostDll);
        info.ArgumentList.Add("--urls");
        info.ArgumentList.Add(Url);
        foreach (var (key, value) in _settings)
        {
            info.ArgumentList.Add($"--{key}={value}");
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["Logging__Console__FormatterName"] = "simple";
        var process = Process.Start(info)!;
        _process = process;
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var first = await Task.WhenAny(_listening.Task, process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != _listening.Task)
        {
            await KillAsync();
            throw new InvalidOperationException($"Bff.Host did not start listening:\n{Output}");
        }

        Url = $"http://127.0.0.1:{new Uri(await _listening.Task).Port}";
    }

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

        if (ListeningLine().Match(line) is { Success: true } match)
        {
            _listening.TrySetResult(match.Groups[1].Value);
        }
    }

    private static TaskCompletionSource<string> NewListening() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [GeneratedRegex(@"Now listening on: (http://[^\s]+)")]
    private static partial Regex ListeningLine();
}
