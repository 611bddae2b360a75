using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Bff.Testing;

/// <summary>
/// A Vite dev server started through npm as a developer starts it (<c>npm run dev</c>, the demo's
/// <c>client-app</c> or a template app's <c>ClientApp</c>), its environment naming the host its
/// proxy sends the host's paths to, and <c>--port 0</c> among the arguments so that the system picks
/// the port (overriding a config's fixed one) and no other process can hold it first. Shared by the
/// integration tests and the browser tests (tests/Shared, compiled into both).
/// </summary>
public sealed partial class ViteDevServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<string> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ViteDevServer(Process process)
    {
        _process = process;
    }

    /// <summary>The dev server's origin as Vite printed it, e.g. <c>http://localhost:41234</c> (no trailing slash).</summary>
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

    /// <summary>Runs <c>npm</c> with <paramref name="npmArguments"/> in <paramref name="workingDirectory"/> and waits for Vite's <c>Local:</c> line.</summary>
    public static async Task<ViteDevServer> StartAsync(string workingDirectory, IEnumerable<string> npmArguments, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("npm")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in npmArguments)
        {
            info.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        info.Environment["NO_COLOR"] = "1";
        info.Environment["FORCE_COLOR"] = "0";
        var server = new ViteDevServer(Process.Start(info)!);
        server._process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        server._process.EnableRaisingEvents = true;
        server._process.Exited += (_, _) => server._listening.TrySetException(new InvalidOperationException($"npm exited with {server._process.ExitCode}:\n{server.Output}"));
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        try
        {
            server.Url = await server._listening.Task.WaitAsync(TimeSpan.FromSeconds(60));
            return server;
        }
        catch (TimeoutException)
        {
            await server.DisposeAsync();
            throw new TimeoutException($"Vite printed no Local: URL within 60 s:\n{server.Output}");
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
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

        line = AnsiEscape().Replace(line, string.Empty);
        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (LocalUrl().Match(line) is { Success: true } local)
        {
            _listening.TrySetResult(local.Groups[1].Value);
        }
    }

    [GeneratedRegex(@"\x1b\[[0-9;]*m")]
    private static partial Regex AnsiEscape();

    [GeneratedRegex(@"Local:\s+(http://(?:localhost|127\.0\.0\.1):\d+)")]
    private static partial Regex LocalUrl();
}
