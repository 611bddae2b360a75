using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption.ConfigurationModel;

namespace Bff.Bench.Micro;

/// <summary>
/// Data protection is paid twice per proxied request (the session cookie, then the stored
/// ticket). The default algorithm (AES-256-CBC + HMAC-SHA256, managed implementation on Linux,
/// with a SP800-108 key derivation per payload) against AES-256-GCM, for the two payload sizes
/// of the hot path: the cookie's ticket (~230 bytes) and a session ticket (~6 KB).
/// </summary>
[MemoryDiagnoser]
public class DataProtectionBenchmarks
{
    private string _keys = string.Empty;
    private IDataProtector _protector = null!;
    private byte[] _protected = [];
    private byte[] _plain = [];

    [Params("AES-256-CBC+HMACSHA256", "AES-256-GCM")]
    public string Algorithm { get; set; } = "AES-256-CBC+HMACSHA256";

    [Params(230, 6000)]
    public int Bytes { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _keys = Path.Combine(Path.GetTempPath(), $"bff-micro-dp-{Guid.NewGuid():N}");
        var configuration = new AuthenticatedEncryptorConfiguration
        {
            EncryptionAlgorithm = Algorithm == "AES-256-GCM" ? EncryptionAlgorithm.AES_256_GCM : EncryptionAlgorithm.AES_256_CBC,
            ValidationAlgorithm = ValidationAlgorithm.HMACSHA256,
        };
        var provider = DataProtectionProvider.Create(new DirectoryInfo(_keys), builder => builder.SetApplicationName("Bff").UseCryptographicAlgorithms(configuration));
        _protector = provider.CreateProtector("Bff.Bench", "v1");
        _plain = RandomNumberGenerator.GetBytes(Bytes);
        _protected = _protector.Protect(_plain);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        try
        {
            Directory.Delete(_keys, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Benchmark(Description = "Unprotect")]
    public byte[] Unprotect() => _protector.Unprotect(_protected);

    [Benchmark(Description = "Protect")]
    public byte[] Protect() => _protector.Protect(_plain);
}
