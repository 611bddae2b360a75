using System.Net.Sockets;
using System.Text;

namespace Bff.Tests.Infrastructure;

/// <summary>Sends bytes exactly as given over a TCP connection (for requests HttpClient would not send) and reads the whole answer.</summary>
public static class RawHttp
{
    public static async Task<string> SendAsync(Uri server, byte[] request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(request);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var answer = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int n;
            while ((n = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                answer.Write(buffer, 0, n);
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException)
        {
        }

        return Encoding.Latin1.GetString(answer.ToArray());
    }

    /// <summary>The status code of a raw answer, or null when there was none.</summary>
    public static int? Status(string answer) =>
        answer.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && answer.Length >= 12
            ? int.Parse(answer.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture)
            : null;

    /// <summary>The body of a raw answer (after the blank line; chunked bodies are not decoded).</summary>
    public static string Body(string answer)
    {
        var start = answer.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        return start < 0 ? string.Empty : answer[(start + 4)..];
    }
}
