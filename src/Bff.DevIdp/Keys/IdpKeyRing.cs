using System.Buffers.Text;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Bff.DevIdp;

/// <summary>
/// The persisted RSA signing and encryption keys of the IdP (<c>signing-key.pem</c> and
/// <c>encryption-key.pem</c> in <c>Idp:DataPath</c>). Persisting both keeps the <c>kid</c> stable and keeps
/// authorization codes and refresh tokens (encrypted JWTs) valid across restarts.
/// </summary>
internal sealed class IdpKeyRing : IDisposable
{
    private readonly RSA _signing;
    private readonly RSA _encryption;

    public IdpKeyRing(IOptions<IdpOptions> options, ILogger<IdpKeyRing> logger)
    {
        var directory = options.Value.ResolveDataPath();
        Directory.CreateDirectory(directory);

        _signing = Load(Path.Combine(directory, "signing-key.pem"), "signing", logger);
        try
        {
            _encryption = Load(Path.Combine(directory, "encryption-key.pem"), "encryption", logger);
        }
        catch
        {
            _signing.Dispose();
            throw;
        }

        // A factory of their own: the shared default caches crypto providers by key id, and would
        // hand a restarted in-process IdP the providers of the disposed keys it had before.
        SigningKey = new RsaSecurityKey(_signing) { KeyId = KeyIdOf(_signing), CryptoProviderFactory = new CryptoProviderFactory() };
        EncryptionKey = new RsaSecurityKey(_encryption) { KeyId = KeyIdOf(_encryption), CryptoProviderFactory = new CryptoProviderFactory() };
        logger.KeysReady(SigningKey.KeyId, directory);
    }

    public RsaSecurityKey SigningKey { get; }

    public RsaSecurityKey EncryptionKey { get; }

    public void Dispose()
    {
        _signing.Dispose();
        _encryption.Dispose();
    }

    private static RSA Load(string path, string purpose, ILogger logger)
    {
        var (key, created) = RsaPemKeyFile.LoadOrCreate(path);
        if (created)
        {
            logger.KeyCreated(purpose, path);
        }

        return key;
    }

    /// <summary>A stable key id: the base64url SHA-256 thumbprint (first 16 bytes) of the public key.</summary>
    private static string KeyIdOf(RSA rsa) =>
        Base64Url.EncodeToString(SHA256.HashData(rsa.ExportSubjectPublicKeyInfo()).AsSpan(0, 16));
}
