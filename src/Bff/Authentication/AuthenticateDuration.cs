using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace OpenBff.Authentication;

/// <summary>
/// This host's <c>aspnetcore.authentication.authenticate.duration</c>, the histogram ASP.NET Core's
/// authentication service records for every <c>AuthenticateAsync</c>, so that a request
/// <c>BffSessionAuthenticator</c> authenticates without that service is counted as the
/// service would count it (same instrument, same tags), and dashboards see every request. Found by a
/// <see cref="MeterListener"/> that never enables an instrument itself: recorded only while a
/// listener of the host's (OpenTelemetry, <c>dotnet-counters</c>) enables it.
/// </summary>
internal sealed class AuthenticateDuration : IDisposable
{
    private const string MeterName = "Microsoft.AspNetCore.Authentication";
    private const string InstrumentName = "aspnetcore.authentication.authenticate.duration";

    private readonly MeterListener _listener;
    private Histogram<double>? _histogram;

    public AuthenticateDuration(IMeterFactory? meterFactory = null)
    {
        _listener = new MeterListener
        {
            // The host's meters are created by its IMeterFactory: a test process's other hosts are not this one.
            InstrumentPublished = (instrument, _) =>
            {
                if (instrument is Histogram<double> histogram && instrument.Name == InstrumentName
                    && instrument.Meter.Name == MeterName && meterFactory is not null && ReferenceEquals(instrument.Meter.Scope, meterFactory))
                {
                    Volatile.Write(ref _histogram, histogram);
                }
            },
        };
        _listener.Start();
    }

    /// <summary>The start of a measurement, or 0 when nobody listens.</summary>
    public long Start() => Volatile.Read(ref _histogram) is { Enabled: true } ? Stopwatch.GetTimestamp() : 0;

    /// <summary>Records a successful authentication that began at <paramref name="start"/> (nothing when it is 0).</summary>
    public void Succeeded(string scheme, long start) => Record(scheme, "success", start);

    /// <summary>Records an authentication that found nothing to authenticate (no cookie), as the service tags <c>AuthenticateResult.NoResult()</c>.</summary>
    public void FoundNothing(string scheme, long start) => Record(scheme, "none", start);

    private void Record(string scheme, string result, long start)
    {
        if (start != 0 && Volatile.Read(ref _histogram) is { } histogram)
        {
            histogram.Record(
                Stopwatch.GetElapsedTime(start).TotalSeconds,
                new TagList { { "aspnetcore.authentication.scheme", scheme }, { "aspnetcore.authentication.result", result } });
        }
    }

    public void Dispose() => _listener.Dispose();
}
