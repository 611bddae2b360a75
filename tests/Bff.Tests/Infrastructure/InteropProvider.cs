using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Bff.Tests.Infrastructure;

/// <summary>
/// An independent, OpenID-certified provider (the npm package <c>oidc-provider</c>, driven by
/// tests/interop-provider/server.mjs) in one of its profiles, each mimicking a real provider's
/// documented behaviour, with its resource server (api1, api2) validating the access tokens.
/// One node process per instance on free loopback ports; it exits when this closes its stdin.
/// </summary>
public sealed class InteropProvider : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private readonly Process _process;
    private readonly List<string> _stderr = [];
    private List<(string Token, bool IsIdToken)> _tokens = [];

    private InteropProvider(Process process, string profile, JsonObject ready)
    {
        _process = process;
        Profile = profile;
        Issuer = (string)ready["issuer"]!;
        ApiUrl = (string)ready["api"]!;
        Api1 = (string)ready["resources"]!["api1"]!;
        Api2 = (string)ready["resources"]!["api2"]!;
    }

    public string Profile { get; }

    /// <summary>The issuer (also the BFF's <c>Bff:Oidc:Authority</c>).</summary>
    public string Issuer { get; }

    /// <summary>The resource server: <c>/api1/...</c> is api1, <c>/api2/...</c> api2.</summary>
    public string ApiUrl { get; }

    /// <summary>api1's resource indicator (its tokens' audience).</summary>
    public string Api1 { get; }

    /// <summary>api2's resource indicator.</summary>
    public string Api2 { get; }

    public int Port => new Uri(Issuer).Port;

    /// <summary>Everything the provider wrote to stderr (for failure messages).</summary>
    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return string.Join('\n', _stderr);
            }
        }
    }

    public static async Task<InteropProvider> StartAsync(string profile, params string[] options)
    {
        var script = Path.Combine(RepoPaths.Root(), "tests", "interop-provider", "server.mjs");
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepoPaths.Root(),
        };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add("--profile");
        info.ArgumentList.Add(profile);
        foreach (var option in options)
        {
            info.ArgumentList.Add(option);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("node did not start.");
        var stderr = new List<string>();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (stderr)
                {
                    stderr.Add(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();
        try
        {
            var line = await ReadyLineAsync(process).WaitAsync(TimeSpan.FromSeconds(30));
            var provider = new InteropProvider(process, profile, JsonNode.Parse(line["INTEROP-READY ".Length..])!.AsObject());
            lock (stderr)
            {
                provider._stderr.AddRange(stderr);
            }

            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is not null)
                {
                    lock (provider._stderr)
                    {
                        provider._stderr.Add(e.Data);
                    }
                }
            };
            TokenLeakGuard.Register(provider);
            return provider;
        }
        catch (Exception ex)
        {
            Stop(process);
            string log;
            lock (stderr)
            {
                log = string.Join('\n', stderr);
            }

            throw new InvalidOperationException($"The interop provider ({profile}) did not start: {ex.Message}\n{log}", ex);
        }
    }

    private static async Task<string> ReadyLineAsync(Process process)
    {
        while (await process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("INTEROP-READY ", StringComparison.Ordinal))
            {
                _ = DrainAsync(process.StandardOutput);
                return line;
            }
        }

        throw new InvalidOperationException($"exited with code {(process.WaitForExit(5000) ? process.ExitCode : -1)} before it was ready");
    }

    private static async Task DrainAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is not null)
        {
        }
    }

    /// <summary>
    /// Registers a confidential client for the BFF at <paramref name="bffUrl"/> (redirect,
    /// post-logout and, where <paramref name="backChannelLogout"/>, back-channel logout URIs).
    /// </summary>
    public async Task<(string ClientId, string ClientSecret)> RegisterClientAsync(string bffUrl, bool backChannelLogout = false, string? clientId = null, string? secret = null, bool endSession = true, string authentication = "client_secret_post")
    {
        clientId ??= $"bff-{Guid.NewGuid():N}";
        secret ??= $"secret-{Guid.NewGuid():N}";
        var metadata = new JsonObject
        {
            ["client_id"] = clientId,
            ["client_secret"] = secret,
            ["redirect_uris"] = new JsonArray($"{bffUrl}/signin-oidc"),
            ["token_endpoint_auth_method"] = authentication,
        };
        if (endSession)
        {
            metadata["post_logout_redirect_uris"] = new JsonArray($"{bffUrl}/signout-callback-oidc");
        }

        if (backChannelLogout)
        {
            metadata["backchannel_logout_uri"] = $"{bffUrl}/bff/backchannel";
        }

        using var response = await Http.PostAsJsonAsync($"{Issuer}/__interop/clients", metadata);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Client registration refused ({(int)response.StatusCode}): {await response.Content.ReadAsStringAsync()}");
        }

        return (clientId, secret);
    }

    /// <summary>Rotates the provider's signing key: every token from now on is signed with a new <c>kid</c>.</summary>
    public async Task<string> RotateKeysAsync()
    {
        using var response = await Http.PostAsync($"{Issuer}/__interop/rotate-keys", null);
        response.EnsureSuccessStatusCode();
        return (string)JsonNode.Parse(await response.Content.ReadAsStringAsync())!["kid"]!;
    }

    /// <summary>Provider-initiated logout of <paramref name="sub"/>: back-channel logout tokens to every client of the subject's sessions.</summary>
    public async Task<JsonArray> LogoutAsync(string sub)
    {
        using var response = await Http.PostAsJsonAsync($"{Issuer}/__interop/logout", new JsonObject { ["sub"] = sub });
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["sent"]!.AsArray();
    }

    /// <summary>Makes the userinfo endpoint answer about <paramref name="sub"/> instead of the token's subject (null: as it should).</summary>
    public Task SetUserInfoSubjectFaultAsync(string? sub) => SetFaultsAsync(new JsonObject { ["userinfo_sub"] = sub });

    /// <summary>
    /// Sets provider faults (tests/interop-provider/README.md, <c>/__interop/faults</c>): each member
    /// given is set, null or an empty array ends it; the others keep their value.
    /// </summary>
    public async Task SetFaultsAsync(JsonObject faults)
    {
        using var response = await Http.PostAsJsonAsync($"{Issuer}/__interop/faults", faults);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Faults refused ({(int)response.StatusCode}): {await response.Content.ReadAsStringAsync()}");
        }
    }

    /// <summary>What the provider and its API received, in order (optionally of one client).</summary>
    public async Task<List<InteropRequest>> RequestsAsync(string? clientId = null)
    {
        var url = clientId is null ? $"{Issuer}/__interop/requests" : $"{Issuer}/__interop/requests?client_id={Uri.EscapeDataString(clientId)}";
        var json = await Http.GetStringAsync(url);
        return JsonSerializer.Deserialize<List<InteropRequest>>(json, InteropRequest.Json)!;
    }

    /// <summary>Every access, refresh and ID token the provider issued so far (read synchronously: the leak guard is synchronous).</summary>
    public IReadOnlyList<(string Token, bool IsIdToken)> IssuedTokens()
    {
        List<InteropRequest> requests;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{Issuer}/__interop/requests?endpoint=token");
            using var response = Http.Send(request);
            using var reader = new StreamReader(response.Content.ReadAsStream());
            requests = JsonSerializer.Deserialize<List<InteropRequest>>(reader.ReadToEnd(), InteropRequest.Json)!;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            lock (_stderr)
            {
                return _tokens; // stopping: what it had issued until then
            }
        }

        var tokens = new List<(string, bool)>();
        foreach (var r in requests.Where(r => r.Endpoint == "token" && r.Response is { ValueKind: JsonValueKind.Object }))
        {
            foreach (var name in new[] { "access_token", "refresh_token", "id_token" })
            {
                if (r.Response!.Value.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: >= 32 } token)
                {
                    tokens.Add((token, name == "id_token"));
                }
            }
        }

        lock (_stderr)
        {
            _tokens = tokens;
        }

        return tokens;
    }

    public ValueTask DisposeAsync()
    {
        TokenLeakGuard.Unregister(this);
        Stop(_process);
        return ValueTask.CompletedTask;
    }

    private static void Stop(Process process)
    {
        try
        {
            process.StandardInput.Close(); // the provider exits when its stdin closes
            if (!process.WaitForExit(5000))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        finally
        {
            process.Dispose();
        }
    }
}
