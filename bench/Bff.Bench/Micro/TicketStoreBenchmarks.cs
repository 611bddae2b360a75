using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Compression;
using BenchmarkDotNet.Attributes;
using Bff.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;

namespace Bff.Bench.Micro;

/// <summary>
/// The pieces of the session read every proxied request pays (cookie -> session key -> stored
/// ticket -> tokens), for the Memory and SQLite stores, the write path of a renewal, and
/// prototypes of cheaper designs (a cache of deserialized tickets, compression) measured on the
/// same ticket. <see cref="Tokens"/>: the dev IdP's real token sizes, or ~1 KB each.
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
    private readonly ConcurrentDictionary<string, (byte[] Protected, AuthenticationTicket Ticket)> _cache = new(StringComparer.Ordinal);

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
        _ticketProtector = _memory.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(typeof(ServerSideTicketStore).FullName!, "v1");
        _session = await _memoryStore.GetAsync(_memory.SessionKey, CancellationToken.None) ?? throw new InvalidOperationException("no session");
        _serialized = _ticketProtector.Unprotect(_session.Ticket);
        _ticket = TicketSerializer.Default.Deserialize(_serialized)!;
        _compressed = Compress(_serialized);
        _cache[_memory.SessionKey] = (_session.Ticket, _ticket);
        _sqliteProtected = (await _sqliteStore.GetAsync(_sqlite.SessionKey, CancellationToken.None))?.Ticket ?? throw new InvalidOperationException("no SQLite session");
        Console.WriteLine($"// ticket ({Tokens} tokens): serialized {_serialized.Length} B, protected {_session.Ticket.Length} B, Brotli(fastest) {_compressed.Length} B; cookie value {_memory.CookieValue.Length} chars");
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await _memory.DisposeAsync();
        await _sqlite.DisposeAsync();
    }

    [Benchmark(Description = "cookie value -> session key (TicketDataFormat.Unprotect)")]
    public AuthenticationTicket? CookieUnprotect() => _cookieFormat.Unprotect(_memory.CookieValue);

    [Benchmark(Description = "Memory store GetAsync")]
    public Task<UserSession?> MemoryStoreGet() => _memoryStore.GetAsync(_memory.SessionKey, CancellationToken.None);

    [Benchmark(Description = "SQLite store GetAsync")]
    public Task<UserSession?> SqliteStoreGet() => _sqliteStore.GetAsync(_sqlite.SessionKey, CancellationToken.None);

    [Benchmark(Description = "ticket IDataProtector.Unprotect")]
    public byte[] TicketUnprotect() => _ticketProtector.Unprotect(_session.Ticket);

    [Benchmark(Description = "TicketSerializer.Deserialize")]
    public AuthenticationTicket? TicketDeserialize() => TicketSerializer.Default.Deserialize(_serialized);

    [Benchmark(Description = "ServerSideTicketStore.RetrieveAsync, Memory")]
    public Task<AuthenticationTicket?> RetrieveMemory() => _memoryTickets.RetrieveAsync(_memory.SessionKey, CancellationToken.None);

    [Benchmark(Description = "ServerSideTicketStore.RetrieveAsync, SQLite")]
    public Task<AuthenticationTicket?> RetrieveSqlite() => _sqliteTickets.RetrieveAsync(_sqlite.SessionKey, CancellationToken.None);

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

    [Benchmark(Description = "prototype: cached ticket (store read, same bytes) + AuthenticationTicket.Copy()")]
    public async Task<AuthenticationTicket?> CachedTicketMemory()
    {
        var session = await _memoryStore.GetAsync(_memory.SessionKey, CancellationToken.None);
        if (session is not null && _cache.TryGetValue(session.Key, out var hit) && ReferenceEquals(hit.Protected, session.Ticket))
        {
            return Copy(hit.Ticket);
        }

        return null;
    }

    [Benchmark(Description = "prototype: cached ticket (SQLite read, bytes compared) + Copy()")]
    public async Task<AuthenticationTicket?> CachedTicketSqlite()
    {
        var session = await _sqliteStore.GetAsync(_sqlite.SessionKey, CancellationToken.None);
        if (session is not null && session.Ticket.AsSpan().SequenceEqual(_sqliteProtected))
        {
            return Copy(_ticket);
        }

        return null;
    }

    [Benchmark(Description = "prototype: Brotli(fastest) compress the serialized ticket")]
    public byte[] CompressTicket() => Compress(_serialized);

    [Benchmark(Description = "prototype: Brotli decompress the serialized ticket")]
    public int DecompressTicket()
    {
        var buffer = new byte[_serialized.Length];
        return BrotliDecoder.TryDecompress(_compressed, buffer, out var written) ? written : -1;
    }

    /// <summary>What a cache hit must hand out: a private copy (the cookie handler mutates the ticket's properties).</summary>
    private static AuthenticationTicket Copy(AuthenticationTicket ticket) =>
        new(ticket.Principal.Clone(), ticket.Properties.Clone(), ticket.AuthenticationScheme);

    private static byte[] Compress(byte[] data)
    {
        var buffer = new byte[BrotliEncoder.GetMaxCompressedLength(data.Length)];
        return BrotliEncoder.TryCompress(data, buffer, out var written, quality: 1, window: 22) ? buffer[..written] : data;
    }
}
