using System.Collections.Frozen;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;

namespace OpenBff.Proxy;

/// <summary>
/// The request headers a forwarded call must not carry (<see cref="ProxiedRequest.StrippedHeaders"/>),
/// as one set: removing them looks at the headers the outgoing request holds (a handful) instead of
/// asking it for each of the names (thirteen by default, nearly all absent).
/// </summary>
internal sealed class StrippedRequestHeaders
{
    private readonly FrozenSet<string> _names;

    public StrippedRequestHeaders(IEnumerable<string> names) =>
        _names = names.ToFrozenSet(StringComparer.OrdinalIgnoreCase); // header names ignore case (RFC 9110 §5.1)

    public IReadOnlySet<string> Names => _names;

    /// <summary>Removes every stripped header from <paramref name="request"/>'s headers and its content's.</summary>
    public void RemoveFrom(HttpRequestMessage request)
    {
        RemoveFrom(request.Headers);
        if (request.Content is { } content)
        {
            RemoveFrom(content.Headers);
        }
    }

    private void RemoveFrom(HttpHeaders headers)
    {
        var found = default(Found);
        var count = 0;
        List<string>? more = null;
        foreach (var header in headers.NonValidated)
        {
            if (!_names.Contains(header.Key))
            {
                continue;
            }

            if (count < Found.Length)
            {
                found[count++] = header.Key;
            }
            else
            {
                (more ??= []).Add(header.Key);
            }
        }

        for (var i = 0; i < count; i++)
        {
            headers.Remove(found[i]!);
        }

        if (more is not null)
        {
            foreach (var name in more)
            {
                headers.Remove(name);
            }
        }
    }

    /// <summary>The names found, on the stack: removing while enumerating is not allowed, and a request rarely has more than two.</summary>
    [InlineArray(Length)]
    private struct Found
    {
        public const int Length = 4;

        private string? _name;
    }
}
