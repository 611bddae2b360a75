namespace Bff.E2E;

/// <summary>
/// BFF hosts on <c>http://localhost:port</c> whose provider is the demo IdP reached as
/// <c>http://127.0.0.1:port</c>: another site, so the provider's redirect back to the BFF's
/// callback is a cross-site navigation and a <c>SameSite=Strict</c> session cookie is not sent on
/// it (a <c>Lax</c> one is, on that top-level GET). One host per session store and SameSite
/// setting, started when first asked for and kept until the suite ends (xUnit does not run a
/// theory's cases in their declared order), with one Redis server for the Redis store.
/// </summary>
public sealed class CrossSiteBffs(AppProcess idp, string dataFolder) : IAsyncDisposable
{
    public static readonly string[] Stores = ["Memory", "Sqlite", "Redis"];

    public static readonly string[] SameSites = ["Strict", "Lax"];

    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Dictionary<(string Store, string SameSite), AppProcess> _started = [];
    private RedisProcess? _redis;

    public async Task<AppProcess> GetAsync(string store, string sameSite)
    {
        await _lock.WaitAsync();
        try
        {
            if (!_started.TryGetValue((store, sameSite), out var bff))
            {
                bff = await StartAsync(store, sameSite);
                _started[(store, sameSite)] = bff;
            }

            return bff;
        }
        finally
        {
            _lock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var bff in _started.Values)
        {
            await bff.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }

        _lock.Dispose();
    }

    private async Task<AppProcess> StartAsync(string store, string sameSite)
    {
        var args = new List<string>
        {
            "--Bff:Oidc:Authority", idp.IpUrl,
            "--Bff:Oidc:ClientId", "bff",
            "--Bff:Oidc:ClientSecret", "bff-secret",
            "--Bff:Oidc:RequireHttpsMetadata", "false",
            "--Bff:Oidc:Scope", "openid profile email offline_access",
            "--Bff:DataPath", Path.Combine(dataFolder, $"bff-{store}-{sameSite}"),
            "--Bff:Session:Store", store,
            "--Bff:Session:CookieSameSite", sameSite,
            "--Bff:Telemetry:Console", "false",
        };
        if (store == "Redis")
        {
            _redis ??= await RedisProcess.StartAsync();
            args.AddRange(["--Bff:Session:Redis", _redis.ConnectionString, "--Bff:Session:RedisKeyPrefix", $"bff-{sameSite}:"]);
        }

        var bff = await AppProcess.StartAsync("Bff.Host", [.. args]);
        try
        {
            await WaitUntilReadyAsync(bff); // the provider's discovery document loaded: /bff/login works
            return bff;
        }
        catch
        {
            await bff.DisposeAsync();
            throw;
        }
    }

    private static async Task WaitUntilReadyAsync(AppProcess bff)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            try
            {
                using var ready = await http.GetAsync($"{bff.IpUrl}/health/ready");
                if (ready.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"The BFF did not get ready:\n{bff.Output}");
            }

            await Task.Delay(100);
        }
    }
}
