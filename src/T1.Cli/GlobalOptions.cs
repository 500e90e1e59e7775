using System.CommandLine;

namespace T1.Cli;

/// <summary>Options every command takes; they override configuration files and environment variables.</summary>
internal static class GlobalOptions
{
    public static readonly Option<string?> Database = new("--database")
    {
        Description = "Metadata database: a PostgreSQL connection string (Host=…;Database=…;Username=…;Password=…) or a SQLite one (Data Source=path.db). Default: SQLite under the data folder, or T1__Database__ConnectionString.",
        Recursive = true,
    };

    public static readonly Option<string?> DataDir = new("--data-dir")
    {
        Description = "Folder for the embedded database, artifacts and caches (default .t1, or T1__DataDirectory).",
        Recursive = true,
    };
}
