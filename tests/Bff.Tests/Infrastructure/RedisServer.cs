using System.Diagnostics;
using StackExchange.Redis;

namespace Bff.Tests.Infrastructure;

/// <summary>
/// A real redis-server of the test's own, on a unix socket in a temp folder (no TCP port, so no
/// port races), with persistence off. Installed by `npm test` (apt-get) when missing.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process _process;
    private readonly TempDirectory _folder;

    private RedisServer(Process process, TempDirectory folder, string socket)
    {
        _process = process;
        _folder = folder;
        Socket = socket;
    }

    /// <summary>The unix socket path.</summary>
    public string Socket { get; }

    public string ConnectionString => $"unix:{Socket}";

    /// <summary>A client of the test's own, allowed admin commands (CLIENT KILL, INFO, KEYS).</summary>
    public async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var options = new ConfigurationOptions { AllowAdmin = true };
        options.EndPoints.Add(new System.Net.Sockets.UnixDomainSocketEndPoint(Socket));
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    public static async Task<RedisServer> StartAsync()
    {
        var folder = new TempDirectory("bff-redis");
        var socket = Path.Combine(folder.Path, "redis.sock");
        var process = StartProcess(folder, socket);
        var server = new RedisServer(process, folder, socket);

        try
        {
            await WaitUntilReadyAsync(process, socket);
            return server;
        }
        catch
        {
            await server.DisposeAsync(); // never leave a redis-server behind
            throw;
        }
    }

    /// <summary>Kills the server (an outage: no persistence, so its data is gone).</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
    }

    /// <summary>Starts a new, empty server on the same socket (as a restarted Redis without persistence).</summary>
    public async Task RestartAsync()
    {
        await KillAsync();
        _process.Dispose();
        _process = StartProcess(_folder, Socket);
        await WaitUntilReadyAsync(_process, Socket);
    }

    private static Process StartProcess(TempDirectory folder, string socket)
    {
        var info = new ProcessStartInfo(File.Exists("/usr/bin/redis-server") ? "/usr/bin/redis-server" : "redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", "0", "--unixsocket", socket, "--unixsocketperm", "700", "--save", "", "--appendonly", "no", "--dir", folder.Path })
        {
            info.ArgumentList.Add(arg);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start; install it with apt-get install redis-server.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitUntilReadyAsync(Process process, string socket)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("redis-server exited at start.");
            }

            try
            {
                if (File.Exists(socket))
                {
                    var options = new ConfigurationOptions();
                    options.EndPoints.Add(new System.Net.Sockets.UnixDomainSocketEndPoint(socket));
                    await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
                    await connection.GetDatabase().PingAsync();
                    return;
                }
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException("redis-server did not come up.");
            }

            await Task.Delay(50); // waiting for another process to open its socket
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        _folder.Dispose();
    }
}
