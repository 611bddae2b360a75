using Microsoft.Data.Sqlite;

namespace Bff.DevIdp;

/// <summary>Location of the SQLite database inside <c>Idp:DataPath</c>.</summary>
internal static class IdpDatabase
{
    public const string FileName = "devidp.db";

    public static string PathIn(IdpOptions options) => Path.Combine(options.ResolveDataPath(), FileName);

    public static string ConnectionString(IdpOptions options) =>
        new SqliteConnectionStringBuilder { DataSource = PathIn(options), Pooling = false }.ToString();
}
