using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Bff.Tests.Infrastructure;

/// <summary>
/// <c>npm run dev</c> in an app's <c>ClientApp</c> folder, as the template's README has a developer
/// run it beside <c>dotnet run</c>: Vite's dev server, with <c>HOST_URL</c> naming the host it sends
/// the host's paths to. On 127.0.0.1 and a port the system picks (<c>--port 0</c>, which overrides
/// the config's fixed 5173), so that no other process can hold the port first.
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

    /// <summary>The dev server's base URL, e.g. <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
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

    public static async Task<ViteDevServer> StartAsync(string clientApp, string hostUrl)
    {
        var info = new ProcessStartInfo("npm")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = clientApp,
        };
        foreach (var argument in new[] { "run", "dev", "--", "--host", "127.0.0.1", "--port", "0" })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["HOST_URL"] = hostUrl;
        info.Environment["NO_COLOR"] = "1";
        info.Environment["FORCE_COLOR"] = "0";
        var server = new ViteDevServer(Process.Start(info)!);
        server._process.OutputDataReceived += (_, e) => server.OnLine(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.OnLine(e.Data);
        server._process.EnableRaisingEvents = true;
        server._process.Exited += (_, _) => server._listening.TrySetException(new InvalidOperationException($"npm run dev exited with {server._process.ExitCode}:\n{server.Output}"));
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
            throw new TimeoutException($"npm run dev printed no Local: URL within 60 s:\n{server.Output}");
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
            _process.Kill(entireProcessTree: true); // npm, and vite under it
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

    [GeneratedRegex(@"Local:\s+(http://127\.0\.0\.1:\d+)/")]
    private static partial Regex LocalUrl();
}
