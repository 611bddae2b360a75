using System.Net.Sockets;
using StackExchange.Redis;

namespace OpenBff.Sessions;

/// <summary>
/// Reads <c>Bff:Session:Redis</c>: a StackExchange.Redis connection string, where an endpoint may
/// also be a unix socket, written <c>unix:/run/redis/redis.sock</c> or as an absolute path.
/// </summary>
internal static class RedisConnection
{
    public static ConfigurationOptions Parse(string connectionString)
    {
        var sockets = new List<string>();
        var rest = new List<string>();
        foreach (var part in connectionString.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (part.StartsWith("unix:", StringComparison.OrdinalIgnoreCase))
            {
                sockets.Add(part["unix:".Length..]);
            }
            else if (part.StartsWith('/'))
            {
                sockets.Add(part);
            }
            else
            {
                rest.Add(part);
            }
        }

        var options = rest.Count == 0 ? new ConfigurationOptions() : ConfigurationOptions.Parse(string.Join(',', rest));
        foreach (var socket in sockets)
        {
            options.EndPoints.Add(new UnixDomainSocketEndPoint(socket));
        }

        options.AbortOnConnectFail = false; // start (and report unhealthy) while Redis is down
        return options;
    }
}
