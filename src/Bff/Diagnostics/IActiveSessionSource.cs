using System.Diagnostics.Metrics;

namespace OpenBff.Diagnostics;

/// <summary>
/// Where the <see cref="BffMetrics.ActiveSessions"/> gauge reads its value: the sessions side
/// implements it (<c>Sessions.ActiveSessionCounter</c>), so the metrics do not depend on the stores.
/// </summary>
internal interface IActiveSessionSource
{
    /// <summary>One measurement, or none when the store cannot be counted now.</summary>
    IEnumerable<Measurement<long>> Observe();
}
