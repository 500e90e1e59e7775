using T1.Storage.Database;

namespace T1.Server.Tests.Portal.Search;

/// <summary>A migrated, empty metadata database: a SQLite file in a throwaway folder, or a fresh database on the test PostgreSQL.</summary>
public sealed class SearchDb : IAsyncDisposable
{
    private SearchDb(DatabaseFactory database, string dir)
    {
        Database = database;
        _dir = dir;
    }

    private readonly string _dir;
    public DatabaseFactory Database { get; }

    public static async Task<SearchDb> CreateAsync(bool postgres)
    {
        var options = new DatabaseOptions { Provider = postgres ? "postgres" : "sqlite" };
        if (postgres) options.ConnectionString = await TestEnvironment.CreatePostgresDatabaseAsync();
        var dir = Path.Combine(Path.GetTempPath(), "t1-search-" + Guid.NewGuid().ToString("N")[..8]);
        var database = new DatabaseFactory(options, dir);
        await database.MigrateAsync();
        return new SearchDb(database, dir);
    }

    public ValueTask DisposeAsync()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        return ValueTask.CompletedTask;
    }
}
