using OpenBff.Core;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace OpenBff.Configuration;

/// <summary>
/// Says why a session cookie could not be read when the reason is an operator's to fix: it was
/// protected with a data-protection key this instance's key ring does not have. That happens when
/// the key ring was lost (a Redis without persistence restarted: instances started since then made
/// new keys) or is not shared by every instance. Without this, those users just got 401 and nothing
/// was logged. Checked at most once per <see cref="Interval"/>, so junk cookies cost nothing.
/// </summary>
internal sealed class LostKeyRingDetector(BffDataProtection dataProtection, TimeProvider time, ILogger<LostKeyRingDetector> logger)
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    // Data protection's payload: a 4-byte magic header, then the id of the key that protected it.
    private static readonly byte[] MagicHeader = [0x09, 0xF0, 0xC9, 0xF0];

    private readonly Lock _lock = new();
    private DateTimeOffset? _lastCheck;

    /// <summary>Called with a cookie value data protection refused.</summary>
    public void Refused(string protectedText)
    {
        var now = time.GetUtcNow();
        lock (_lock)
        {
            if (_lastCheck is { } last && now - last < Interval)
            {
                return;
            }

            _lastCheck = now;
        }

        if (KeyIdOf(protectedText) is { } keyId && !dataProtection.KeyManager.GetAllKeys().Any(k => k.KeyId == keyId))
        {
            BffLog.DataProtectionKeyMissing(logger, keyId);
        }
    }

    private static Guid? KeyIdOf(string protectedText)
    {
        try
        {
            var bytes = Base64UrlTextEncoder.Decode(protectedText);
            return bytes.Length >= 20 && bytes.AsSpan(0, 4).SequenceEqual(MagicHeader) ? new Guid(bytes.AsSpan(4, 16)) : null;
        }
        catch (FormatException)
        {
            return null;
        }
    }
}
