using System.Collections.Frozen;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace OpenBff.Proxy;

/// <summary>
/// The request headers a forwarded call must not carry (<see cref="ProxiedRequest.StrippedHeaders"/>),
/// as one set, built once from the options for YARP routes and remote APIs alike: removing them
/// looks at the headers the outgoing request holds (a handful) instead of asking it for each of the
/// names (thirteen by default, nearly all absent).
/// </summary>
internal sealed class StrippedRequestHeaders
{
    private readonly FrozenSet<string> _names;

    public StrippedRequestHeaders(IOptions<BffOptions> options) =>
        _names = ProxiedRequest.StrippedHeaders(options.Value).ToFrozenSet(StringComparer.OrdinalIgnoreCase); // header names ignore case (RFC 9110 §5.1)

    /// <summary>Removes every stripped header from <paramref name="request"/>'s headers and its content's.</summary>
    public void RemoveFrom(HttpRequestMessage request)
    {
        RemoveFrom(request.Headers);
        if (request.Content is { } content)
        {
            RemoveFrom(content.Headers);
        }
    }

    /// <summary>
    /// Collects up to <see cref="Found.Length"/> stripped names, then removes them (removing while
    /// enumerating is not allowed); again while a batch was full.
    /// </summary>
    private void RemoveFrom(HttpHeaders headers)
    {
        while (true)
        {
            var found = default(Found);
            var count = 0;
            foreach (var header in headers.NonValidated)
            {
                if (_names.Contains(header.Key))
                {
                    found[count++] = header.Key;
                    if (count == Found.Length)
                    {
                        break;
                    }
                }
            }

            for (var i = 0; i < count; i++)
            {
                headers.Remove(found[i]!);
            }

            if (count < Found.Length)
            {
                return;
            }
        }
    }

    /// <summary>The names found, on the stack: a request rarely carries more than two of them.</summary>
    [InlineArray(Length)]
    private struct Found
    {
        public const int Length = 4;

        private string? _name;
    }
}
