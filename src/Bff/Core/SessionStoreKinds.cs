namespace OpenBff;

/// <summary>The values of <c>Bff:Session:Store</c>.</summary>
public static class SessionStoreKinds
{
    /// <summary>Embedded SQLite database under <c>Bff:DataPath</c>; survives restarts.</summary>
    public const string Sqlite = "Sqlite";

    /// <summary>In-process memory; sessions end when the process stops.</summary>
    public const string Memory = "Memory";

    /// <summary>Redis, shared by several BFF instances.</summary>
    public const string Redis = "Redis";
}
