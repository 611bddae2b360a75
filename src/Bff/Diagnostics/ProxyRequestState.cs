using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Http;

namespace OpenBff.Diagnostics;

/// <summary>What <see cref="BffInstruments"/> needs to count a proxied request when its answer completes.</summary>
internal sealed record ProxyRequestState(Counter<long> Counter, HttpContext Context, string RouteId);
