namespace OpenBff;

/// <summary><c>GET /bff/diagnostics</c>, Development only: the session's claims and token metadata, never a token (default: <see cref="DefaultDiagnosticsEndpoint"/>).</summary>
public interface IDiagnosticsEndpoint : IBffEndpoint
{
}
