using System.Globalization;
using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using OpenBff.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace Bff.Bench.Micro;

/// <summary>
/// The pieces of the session read every proxied request pays (cookie -> session key -> stored
/// ticket -> tokens), for the Memory and SQLite stores, with and without the library's caches,
/// the write path of a renewal, and prototypes (a prepared SQLite read, compression) measured on
/// the same ticket. <see cref="Tokens"/>: the dev IdP's real token sizes, or ~1 KB each.
/// </summary>
[MemoryDiagnoser]
public class TicketStoreBenchmarks
{
    private BffFixture _memory = null!;
    private BffFixture _sqlite = null!;
    private ServerSideTicketStore _memoryTickets = null!;
    private ServerSideTicketStore _sqliteTickets = null!;
    private IUserSessionStore _memoryStore = null!;
    private IUserSessionStore _sqliteStore = null!;
    private ISecureDataFormat<AuthenticationTicket> _cookieFormat = null!;
    private IDataProtector _ticketProtector = null!;
    private UserSession _session = null!;
    private byte[] _serialized = [];
    private byte[] _compressed = [];
    private AuthenticationTicket _ticket = null!;
    private byte[] _sqliteProtected = [];
    private SqliteConnection _sqliteConnection = null!;
    private SqliteCommand _sqliteSelect = null!;
    private TicketDataFormat _rawCookieFormat = null!;
    private Action<string> _evictMemory = static _ => { };
    private Action<string> _evictSqlite = static _ => { };

    [Params("dev-idp", "1KB")]
    public string Tokens { get; set; } = "dev-idp";

    [GlobalSetup]
    public async Task SetupAsync()
    {
        var sizes = Tokens == "1KB" ? BffFixture.KilobyteTokens : BffFixture.DevIdpTokens;
        _memory = await BffFixture.CreateAsync("Memory", sizes);
        _sqlite = await BffFixture.CreateAsync("Sqlite", sizes);
        _memoryTickets = _memory.Services.GetRequiredService<ServerSideTicketStore>();
        _sqliteTickets = _sqlite.Services.GetRequiredService<ServerSideTicketStore>();
        _memoryStore = _memory.Services.GetRequiredService<IUserSessionStore>();
        _sqliteStore = _sqlite.Services.GetRequiredService<IUserSessionStore>();
        _cookieFormat = _memory.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(BffDefaults.CookieScheme).TicketDataFormat;

        // The cookie handler's own format without the library's cache in front (same purposes as
        // PostConfigureCookieAuthenticationOptions).
        _rawCookieFormat = new TicketDataFormat(_memory.Services.GetRequiredService<OpenBff.Core.BffDataProtection>().Provider
            .CreateProtector("Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationMiddleware", BffDefaults.CookieScheme, "v2"));
        if (_rawCookieFormat.Unprotect(_memory.CookieValue) is null)
        {
            throw new InvalidOperationException("The raw cookie format does not read the session cookie.");
        }

        _evictMemory = Evictor(_memory.Services);
        _evictSqlite = Evictor(_sqlite.Services);
        _ticketProtector = _memory.Services.GetRequiredService<OpenBff.Core.BffDataProtection>().Provider.CreateProtector(ServerSideTicketStore.PurposeName, "v1");
        _session = await _memoryStore.GetAsync(_memory.SessionKey, CancellationToken.None) ?? throw new InvalidOperationException("no session");
        _serialized = _ticketProtector.Unprotect(_session.Ticket);
        _ticket = TicketSerializer.Default.Deserialize(_serialized)!;
        _compressed = Compress(_serialized);
        _sqliteProtected = (await _sqliteStore.GetAsync(_sqlite.SessionKey, CancellationToken.None))?.Ticket ?? throw new InvalidOperationException("no SQLite session");
        _sqliteConnection = new SqliteConnection($"Data Source={Path.Combine(_sqlite.DataPath, "sessions.db")};Mode=ReadOnly;Pooling=False");
        _sqliteConnection.Open();
        _sqliteSelect = _sqliteConnection.CreateCommand();
        _sqliteSelect.CommandText = "SELECT key, sub, sid, created, renewed, expires, ticket FROM sessions WHERE key = $key";
        _sqliteSelect.Parameters.AddWithValue("$key", _sqlite.SessionKey);
        _sqliteSelect.Prepare();
        Console.WriteLine($"// ticket ({Tokens} tokens): serialized {_serialized.Length} B, protected {_session.Ticket.Length} B, Brotli(fastest) {_compressed.Length} B; cookie value {_memory.CookieValue.Length} chars");
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _sqliteSelect.DisposeAsync();
        await _sqliteConnection.DisposeAsync();
        await _memory.DisposeAsync();
        await _sqlite.DisposeAsync();
    }

    [Benchmark(Description = "cookie value -> session key: the cookie options' format (library: cached)")]
    public AuthenticationTicket? CookieUnprotect() => _cookieFormat.Unprotect(_memory.CookieValue);

    [Benchmark(Description = "cookie value -> session key: TicketDataFormat.Unprotect, no cache (data protection)")]
    public AuthenticationTicket? CookieUnprotectRaw() => _rawCookieFormat.Unprotect(_memory.CookieValue);

    [Benchmark(Description = "Memory store GetAsync")]
    public Task<UserSession?> MemoryStoreGet() => _memoryStore.GetAsync(_memory.SessionKey, CancellationToken.None);

    [Benchmark(Description = "SQLite store GetAsync")]
    public Task<UserSession?> SqliteStoreGet() => _sqliteStore.GetAsync(_sqlite.SessionKey, CancellationToken.None);

    [Benchmark(Description = "prototype: SQLite read on a kept-open connection, prepared SELECT")]
    public byte[]? SqlitePreparedRead()
    {
        using var reader = _sqliteSelect.ExecuteReader();
        return reader.Read() ? (byte[])reader.GetValue(6) : null;
    }

    [Benchmark(Description = "ticket IDataProtector.Unprotect")]
    public byte[] TicketUnprotect() => _ticketProtector.Unprotect(_session.Ticket);

    [Benchmark(Description = "TicketSerializer.Deserialize")]
    public AuthenticationTicket? TicketDeserialize() => TicketSerializer.Default.Deserialize(_serialized);

    [Benchmark(Description = "ServerSideTicketStore.RetrieveAsync, Memory (hit in the library's ticket cache)")]
    public Task<AuthenticationTicket?> RetrieveMemory() => _memoryTickets.RetrieveAsync(_memory.SessionKey, CancellationToken.None);

    [Benchmark(Description = "ServerSideTicketStore.RetrieveAsync, Memory, cache miss (Unprotect + Deserialize)")]
    public Task<AuthenticationTicket?> RetrieveMemoryMiss()
    {
        _evictMemory(_memory.SessionKey);
        return _memoryTickets.RetrieveAsync(_memory.SessionKey, CancellationToken.None);
    }

    [Benchmark(Description = "ServerSideTicketStore.RetrieveAsync, SQLite (hit: bytes compared)")]
    public Task<AuthenticationTicket?> RetrieveSqlite() => _sqliteTickets.RetrieveAsync(_sqlite.SessionKey, CancellationToken.None);

    [Benchmark(Description = "ServerSideTicketStore.RetrieveAsync, SQLite, cache miss")]
    public Task<AuthenticationTicket?> RetrieveSqliteMiss()
    {
        _evictSqlite(_sqlite.SessionKey);
        return _sqliteTickets.RetrieveAsync(_sqlite.SessionKey, CancellationToken.None);
    }

    [Benchmark(Description = "token + expiry lookup (GetTokenValue x2, DateTimeOffset.TryParse)")]
    public bool TokenLookup()
    {
        var properties = _ticket.Properties;
        var token = properties.GetTokenValue("access_token");
        var expiresAt = properties.GetTokenValue("expires_at");
        return token is not null
            && DateTimeOffset.TryParse(expiresAt, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var expires)
            && expires > DateTimeOffset.UnixEpoch;
    }

    [Benchmark(Description = "write path: Serialize + Protect")]
    public byte[] SerializeProtect() => _ticketProtector.Protect(TicketSerializer.Default.Serialize(_ticket));

    [Benchmark(Description = "write path: ServerSideTicketStore.RenewAsync, Memory")]
    public Task RenewMemory() => _memoryTickets.RenewAsync(_memory.SessionKey, _ticket, CancellationToken.None);

    [Benchmark(Description = "prototype: Brotli(fastest) compress the serialized ticket")]
    public byte[] CompressTicket() => Compress(_serialized);

    [Benchmark(Description = "prototype: Brotli decompress the serialized ticket")]
    public int DecompressTicket()
    {
        var buffer = new byte[_serialized.Length];
        return BrotliDecoder.TryDecompress(_compressed, buffer, out var written) ? written : -1;
    }

    /// <summary>Removes a session from the library's ticket cache (internal; found by name, a no-op in a build without it).</summary>
    private static Action<string> Evictor(IServiceProvider services)
    {
        var type = typeof(ServerSideTicketStore).Assembly.GetType("OpenBff.Sessions.TicketCache");
        var cache = type is null ? null : services.GetService(type);
        var remove = type?.GetMethod("Remove", [typeof(string)]);
        return cache is null || remove is null ? static _ => { } : (Action<string>)Delegate.CreateDelegate(typeof(Action<string>), cache, remove);
    }

    private static byte[] Compress(byte[] data)
    {
        var buffer = new byte[BrotliEncoder.GetMaxCompressedLength(data.Length)];
        return BrotliEncoder.TryCompress(data, buffer, out var written, quality: 1, window: 22) ? buffer[..written] : data;
    }
}
