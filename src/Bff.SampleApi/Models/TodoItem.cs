namespace Bff.SampleApi;

/// <summary>An item of <c>GET /api/todos</c>.</summary>
internal sealed record TodoItem(int Id, string Title, bool Done, string Owner);
