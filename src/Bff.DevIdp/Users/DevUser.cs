namespace Bff.DevIdp;

/// <summary>A demo user as seen by the endpoints (never carries the password).</summary>
internal sealed record DevUser(string Subject, string Username, string? Name, string? Email);
