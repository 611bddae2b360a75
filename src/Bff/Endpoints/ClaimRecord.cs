namespace OpenBff;

/// <summary>
/// One entry of <c>/bff/user</c>'s answer, <c>{"type":..,"value":..}</c>. <see cref="Value"/> is
/// written as JSON: a string, a number (<c>bff:session_expires_in</c>), a boolean, or any value
/// <see cref="System.Text.Json.JsonSerializer"/> can write.
/// </summary>
public sealed record ClaimRecord(string Type, object Value);
