namespace Bff.Bench.Hosts;

/// <summary>
/// Prototypes of changes to the library, switched on in the bench host only
/// (<c>--Bench:Experiments=NAME</c>; <c>npm run bench -- --experiment STORE:NAME</c>), so that their
/// effect is measured end to end, side by side with the unchanged BFF, before anyone changes the
/// library. Not the product.
/// <para>
/// None is defined now. Each prototype measured here went into the library or was dropped: a cache
/// of decrypted tickets and one of decrypted session cookies (commit 1d2639a: TicketCache,
/// CachingCookieTicketFormat), and AES-256-GCM for data protection (Core/BffDataProtection; the
/// prototype had become a no-op: it configured the host's data protection, which the library's own
/// key ring does not use). A name given is refused, so a run never measures a prototype that does nothing.
/// </para>
/// </summary>
internal static class BenchExperiments
{
    public static readonly string[] Known = [];

    public static void Apply(WebApplicationBuilder builder, IReadOnlyCollection<string> experiments)
    {
        _ = builder;
        var unknown = experiments.Except(Known, StringComparer.OrdinalIgnoreCase).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException(
                $"Unknown Bench:Experiments {string.Join(", ", unknown)}; {(Known.Length == 0 ? "no prototype is defined now" : $"known: {string.Join(", ", Known)}")} (bench/Bff.Bench/Hosts/BenchExperiments.cs).");
        }
    }
}
