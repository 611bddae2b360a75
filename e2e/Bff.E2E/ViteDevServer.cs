using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Bff.E2E;

/// <summary>
/// The SPA's Vite dev server, started as the README says (<c>npm run dev --workspace client-app</c>)
/// with <c>BFF_URL</c> pointing at a running BFF, on a port of its choosing: its proxy sends
/// <c>/bff</c>, <c>/api</c> and the OIDC callbacks to that BFF.
/// </summary>
public sealed partial class ViteDevServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ViteDevServer(Process process)
    {
        _process = process;
    }

    /// <summary>The dev server's origin, e.g. <c>http://localhost:41234</c>.</summary>
    public string Url { get; private set; } = string.Empty;

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

    public static async Task<ViteDevServer> StartAsync(string bffUrl)
    {
        var info = new ProcessStartInfo("npm")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppProcess.RepoRoot(),
        };
        foreach (var argument in new[] { "run", "dev", "--workspace", "client-app", "--", "--port", "0" })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["BFF_URL"] = bffUrl;
        info.Environment["NO_COLOR"] = "1";
        var vite = new ViteDevServer(Process.Start(info)!);
        vite._process.OutputDataReceived += (_, e) => vite.OnLine(e.Data);
        vite._process.ErrorDataReceived += (_, e) => vite.OnLine(e.Data);
        vite._process.BeginOutputReadLine();
        vite._process.BeginErrorReadLine();

        var first = await Task.WhenAny(vite._ready.Task, vite._process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != vite._ready.Task)
        {
            await vite.DisposeAsync();
            throw new InvalidOperationException($"The Vite dev server did not start:\n{vite.Output}");
        }

        vite.Url = await vite._ready.Task;
        return vite;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true); // npm, its shell and vite
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
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

        if (LocalLine().Match(line) is { Success: true } match)
        {
            _ready.TrySetResult(match.Groups[1].Value);
        }
    }

    [GeneratedRegex(@"Local:\s+(http://localhost:\d+)")]
    private static partial Regex LocalLine();
}
