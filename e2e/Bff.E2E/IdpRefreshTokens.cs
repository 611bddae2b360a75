using Microsoft.Data.Sqlite;

namespace Bff.E2E;

/// <summary>
/// The dev IdP's own record of the refresh tokens it issued (OpenIddict's token table in
/// <c>devidp.db</c>), read beside the running IdP: which exist for a subject, and whether one was
/// revoked. The tokens themselves are stored hashed, so this never sees a token.
/// </summary>
public sealed class IdpRefreshTokens(string databasePath)
{
    /// <summary>The ids of the refresh tokens issued for <paramref name="subject"/>, oldest first.</summary>
    public async Task<IReadOnlyList<string>> IdsAsync(string subject)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Id FROM OpenIddictTokens WHERE Type = 'urn:ietf:params:oauth:token-type:refresh_token' AND Subject = $subject ORDER BY CreationDate, Id";
        command.Parameters.AddWithValue("$subject", subject);
        var ids = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>The status OpenIddict keeps for the token: <c>valid</c>, <c>redeemed</c>, <c>revoked</c>, ...</summary>
    public async Task<string?> StatusAsync(string id)
    {
        await using var connection = await OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Status FROM OpenIddictTokens WHERE Id = $id";
        command.Parameters.AddWithValue("$id", id);
        return await command.ExecuteScalarAsync() as string;
    }

    private async Task<SqliteConnection> OpenAsync()
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = false,
            DefaultTimeout = 10,
        }.ToString());
        await connection.OpenAsync();
        return connection;
    }
}
