using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption;
using Microsoft.AspNetCore.DataProtection.AuthenticatedEncryption.ConfigurationModel;

namespace Bff.Bench.Hosts;

/// <summary>
/// Prototypes of changes to the library, switched on in the bench host only
/// (<c>--Bench:Experiments=aes-gcm</c>; <c>npm run bench -- --experiments</c>), so that their effect
/// is measured end to end, side by side with the unchanged BFF, before anyone changes the library.
/// Not the product.
/// <list type="bullet">
/// <item><c>aes-gcm</c>: data protection keys use AES-256-GCM instead of the default AES-256-CBC +
/// HMAC-SHA256 (only keys created afterwards use it: the bench's Bff:DataPath is new).</item>
/// </list>
/// The first prototypes measured here, a cache of decrypted tickets and one of decrypted session
/// cookies, are in the library since commit 1d2639a (TicketCache, CachingCookieTicketFormat).
/// </summary>
internal static class BenchExperiments
{
    public static readonly string[] Known = ["aes-gcm"];

    public static void Apply(WebApplicationBuilder builder, IReadOnlyCollection<string> experiments)
    {
        var unknown = experiments.Except(Known, StringComparer.OrdinalIgnoreCase).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"Unknown Bench:Experiments {string.Join(", ", unknown)}; known: {string.Join(", ", Known)}.");
        }

        if (experiments.Contains("aes-gcm", StringComparer.OrdinalIgnoreCase))
        {
            builder.Services.AddDataProtection().UseCryptographicAlgorithms(new AuthenticatedEncryptorConfiguration
            {
                EncryptionAlgorithm = EncryptionAlgorithm.AES_256_GCM,
                ValidationAlgorithm = ValidationAlgorithm.HMACSHA256,
            });
        }

        if (experiments.Count > 0)
        {
            Console.WriteLine($"Bench experiments (prototypes, not the product): {string.Join(", ", experiments)}");
        }
    }
}
