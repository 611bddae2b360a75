using System.Collections.Concurrent;
using System.Text.Json;

namespace Bff.Tests.Infrastructure;

/// <summary>
/// Checks every answer a test browser gets from a BFF, and every line a test BFF logs, against
/// every token any test IdP has issued so far: the whole suite is a token-leak test. A leak in an
/// answer fails the request at once; a leak in a log line fails the BFF's disposal.
/// </summary>
public static class TokenLeakGuard
{
    private static readonly ConcurrentDictionary<TestIdp, byte> Idps = new();
    private static readonly ConcurrentDictionary<int, byte> IdpPorts = new();
    private static readonly object Gate = new();
    private static (int Count, List<(string Tail, bool IsIdToken)> Tokens) _cache = (-1, []);

    private static readonly ConcurrentDictionary<InteropProvider, byte> Interop = new();
    private static readonly ConcurrentBag<(string Tail, bool IsIdToken)> RetiredInteropTokens = [];

    public static void Register(TestIdp idp)
    {
        Idps[idp] = 0;
        IdpPorts[new Uri(idp.Url).Port] = 0;
    }

    /// <summary>Adds an independent provider's tokens to the guard, for as long as the suite runs.</summary>
    public static void Register(InteropProvider provider)
    {
        Interop[provider] = 0;
        IdpPorts[provider.Port] = 0;
    }

    /// <summary>The provider is stopping: its tokens stay guarded (BFF logs are checked after it stops).</summary>
    public static void Unregister(InteropProvider provider)
    {
        foreach (var (token, isIdToken) in provider.IssuedTokens())
        {
            RetiredInteropTokens.Add((token[^32..], isIdToken));
        }

        Interop.TryRemove(provider, out _);
    }

    /// <summary>The distinctive tail of every issued access, refresh and ID token.</summary>
    public static IReadOnlyList<(string Tail, bool IsIdToken)> IssuedTokens()
    {
        var interop = Interop.Keys.SelectMany(p => p.IssuedTokens()).Select(t => (t.Token[^32..], t.IsIdToken)).Concat(RetiredInteropTokens).ToList();
        return interop.Count == 0 ? DevIdpTokens() : [.. DevIdpTokens(), .. interop];
    }

    private static IReadOnlyList<(string Tail, bool IsIdToken)> DevIdpTokens()
    {
        var responses = Idps.Keys.SelectMany(idp => idp.Recorder.To("/connect/token")).Where(r => r.Status == 200).ToList();
        lock (Gate)
        {
            if (_cache.Count == responses.Count)
            {
                return _cache.Tokens;
            }

            var tokens = new List<(string, bool)>();
            foreach (var response in responses)
            {
                using var json = JsonDocument.Parse(response.ResponseBody);
                foreach (var name in new[] { "access_token", "refresh_token", "id_token" })
                {
                    if (json.RootElement.TryGetProperty(name, out var value) && value.GetString() is { Length: >= 32 } token)
                    {
                        tokens.Add((token[^32..], name == "id_token"));
                    }
                }
            }

            _cache = (responses.Count, tokens);
            return tokens;
        }
    }

    public static void CheckBrowserResponse(BrowserResponse response)
    {
        if (IdpPorts.ContainsKey(response.RequestUri.Port))
        {
            return; // the IdP's own pages and redirects (authorization codes travel there by design)
        }

        // RP-Initiated Logout sends the ID token (never an access or refresh token) as id_token_hint
        // in the end-session redirect: the one sanctioned place.
        var endSession = response.Location is { } location && IdpPorts.ContainsKey(location.Port) && location.Query.Contains("id_token_hint=", StringComparison.Ordinal);
        foreach (var (tail, isIdToken) in IssuedTokens())
        {
            var visible = endSession && isIdToken ? response.Body : response.Visible;
            if (visible.Contains(tail, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"TOKEN LEAK: {(int)response.Status} answer of {response.RequestUri} contains an issued {(isIdToken ? "ID" : "access or refresh")} token.");
            }
        }
    }

    /// <summary>The log lines that contain an issued token (empty when none does).</summary>
    public static IReadOnlyList<string> LeakingLines(IEnumerable<string> lines)
    {
        var tokens = IssuedTokens();
        return lines.Where(line => tokens.Any(t => line.Contains(t.Tail, StringComparison.Ordinal))).ToList();
    }
}
