using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Bff.Tests.Infrastructure;

/// <summary>
/// <c>npm start</c> (<c>scripts/start.mjs</c>) as a developer runs it, less the builds
/// (<c>--no-build</c>, the tests' configuration): the dev IdP, the sample API and the BFF on free
/// ports, with their data in a folder of the test's. Every line it prints is kept, in order.
/// </summary>
public sealed partial class StartScript : IAsyncDisposable
{
    /// <summary>The banner's first line.</summary>
    public const string BannerStart = "[bff] the demo is running:";

    private readonly Process _process;
    private readonly List<string> _lines = [];
    private readonly SemaphoreSlim _printed = new(0);

    private StartScript(Process process)
    {
        _process = process;
    }

    /// <summary>The BFF's URL, from the banner.</summary>
    public string BffUrl { get; private set; } = string.Empty;

    /// <summary>The dev IdP's URL, from the banner.</summary>
    public string IdpUrl { get; private set; } = string.Empty;

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return _lines.ToList();
            }
        }
    }

    public string Output => string.Join('\n', Lines);

    /// <summary>Runs the script and waits for its banner, which ends with the line saying how to stop.</summary>
    public static async Task<StartScript> StartAsync(string dataFolder)
    {
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root(),
        };
        foreach (var argument in new[] { Path.Combine("scripts", "start.mjs"), "--no-build", "--configuration", RepoPaths.Configuration() })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["BFF_PORT"] = "0";
        info.Environment["IDP_PORT"] = "0";
        info.Environment["API_PORT"] = "0";
        info.Environment["BFF_DATA"] = dataFolder;
        var script = new StartScript(Process.Start(info)!);
        script._process.OutputDataReceived += (_, e) => script.OnLine(e.Data);
        script._process.ErrorDataReceived += (_, e) => script.OnLine(e.Data);
        script._process.BeginOutputReadLine();
        script._process.BeginErrorReadLine();
        try
        {
            await script.WaitForLineAsync(line => line.Contains("Ctrl+C stops everything", StringComparison.Ordinal), TimeSpan.FromSeconds(90));
            script.BffUrl = script.BannerUrl("open");
            script.IdpUrl = script.BannerUrl("dev IdP");
            return script;
        }
        catch
        {
            await script.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until a line printed after the first <paramref name="after"/> lines matches; returns its index.</summary>
    public async Task<int> WaitForLineAsync(Func<string, bool> matches, TimeSpan? timeout = null, int after = 0)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var lines = Lines;
            for (var i = after; i < lines.Count; i++)
            {
                if (matches(lines[i]))
                {
                    return i;
                }
            }

            var left = limit - clock.Elapsed;
            if (left <= TimeSpan.Zero || _process.HasExited && !await _printed.WaitAsync(TimeSpan.FromMilliseconds(200)))
            {
                throw new TimeoutException($"npm start printed no such line{(_process.HasExited ? $" and exited with {_process.ExitCode}" : string.Empty)}:\n{Output}");
            }

            await _printed.WaitAsync(left); // the next line, or the deadline
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true); // the script and the three dotnet processes
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private string BannerUrl(string label)
    {
        foreach (var line in Lines)
        {
            if (BannerLine().Match(line) is { Success: true } match && match.Groups["label"].Value == label)
            {
                return match.Groups["url"].Value;
            }
        }

        throw new InvalidOperationException($"The banner names no '{label}' URL:\n{Output}");
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lines)
        {
            _lines.Add(line);
        }

        _printed.Release();
    }

    [GeneratedRegex(@"^\s+(?<label>open|dev IdP)\s+(?<url>http://localhost:\d+)")]
    private static partial Regex BannerLine();
}
