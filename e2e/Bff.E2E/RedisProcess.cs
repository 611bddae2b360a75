using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Bff.E2E;

/// <summary>
/// A redis-server of the suite's own on a unix socket in a temp folder (no TCP port, so no port
/// race), with persistence off; for the BFF's Redis session store.
/// </summary>
public sealed class RedisProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private RedisProcess(Process process, string folder)
    {
        _process = process;
        _folder = folder;
    }

    /// <summary>The StackExchange.Redis connection string (<c>Bff:Session:Redis</c>).</summary>
    public string ConnectionString => $"unix:{Socket}";

    private string Socket => Path.Combine(_folder, "redis.sock");

    public static async Task<RedisProcess> StartAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"bff-e2e-redis-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var info = new ProcessStartInfo(File.Exists("/usr/bin/redis-server") ? "/usr/bin/redis-server" : "redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--port", "0", "--unixsocket", Path.Combine(folder, "redis.sock"), "--unixsocketperm", "700", "--save", string.Empty, "--appendonly", "no", "--dir", folder })
        {
            info.ArgumentList.Add(arg);
        }

        var redis = new RedisProcess(Process.Start(info) ?? throw new InvalidOperationException("redis-server did not start; install it with apt-get install redis-server."), folder);
        redis._process.OutputDataReceived += (_, _) => { };
        redis._process.ErrorDataReceived += (_, _) => { };
        redis._process.BeginOutputReadLine();
        redis._process.BeginErrorReadLine();
        try
        {
            await redis.WaitUntilReadyAsync();
            return redis;
        }
        catch
        {
            await redis.DisposeAsync(); // never leave a redis-server behind
            throw;
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
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Waits until the server answers <c>PING</c> on its socket.</summary>
    private async Task WaitUntilReadyAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException("redis-server exited at start.");
            }

            if (File.Exists(Socket))
            {
                try
                {
                    using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(Socket));
                    await socket.SendAsync(Encoding.ASCII.GetBytes("PING\r\n"));
                    var buffer = new byte[16];
                    var read = await socket.ReceiveAsync(buffer);
                    if (Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal))
                    {
                        return;
                    }
                }
                catch (SocketException)
                {
                }
            }

            await Task.Delay(50); // waiting for another process to open its socket
        }

        throw new InvalidOperationException("redis-server did not come up.");
    }
}
