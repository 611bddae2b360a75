namespace OpenBff.Sessions;

/// <summary>One server-side user session, as a session store keeps it.</summary>
/// <remarks>The times are kept as UTC ticks (read back with offset zero): a store holds thousands of these.</remarks>
public sealed record UserSession
{
    private const long NoExpiry = -1;

    private long _created;
    private long _renewed;
    private long _expires = NoExpiry;

    /// <summary>The random session key the session cookie refers to.</summary>
    public required string Key { get; init; }

    /// <summary>The user's subject identifier (<c>sub</c>) at the OpenID Provider.</summary>
    public required string SubjectId { get; init; }

    /// <summary>The provider's session id (<c>sid</c>), when it issued one.</summary>
    public string? SessionId { get; init; }

    /// <summary>When the session was created.</summary>
    public required DateTimeOffset Created { get => new(_created, TimeSpan.Zero); init => _created = value.UtcTicks; }

    /// <summary>When the session was last renewed (slid or its tokens refreshed).</summary>
    public required DateTimeOffset Renewed { get => new(_renewed, TimeSpan.Zero); init => _renewed = value.UtcTicks; }

    /// <summary>When the session expires unless renewed.</summary>
    public DateTimeOffset? Expires
    {
        get => _expires == NoExpiry ? null : new DateTimeOffset(_expires, TimeSpan.Zero);
        init => _expires = value?.UtcTicks ?? NoExpiry;
    }

    /// <summary>The authentication ticket, serialized and protected with data protection (tokens are encrypted at rest).</summary>
    public required byte[] Ticket { get; init; }
}
