namespace Bff.SampleApi;

/// <summary>A message of the notifications hub: its kind (<c>welcome</c>, <c>broadcast</c>), text, who sent it (the token's <c>sub</c>), when.</summary>
internal sealed record Notification(string Kind, string Text, string? From, DateTimeOffset Time);
