using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace T1.Storage.Database;

// Used only by `dotnet ef migrations add` to generate each provider's migrations.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteT1DbContext>
{
    public SqliteT1DbContext CreateDbContext(string[] args) => new(
        new DbContextOptionsBuilder<SqliteT1DbContext>()
            .UseSqlite("Data Source=design.db", o => o.MigrationsHistoryTable("__ef_migrations")).Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresT1DbContext>
{
    public PostgresT1DbContext CreateDbContext(string[] args) => new(
        new DbContextOptionsBuilder<PostgresT1DbContext>()
            .UseNpgsql("Host=localhost;Database=design", o => o.MigrationsHistoryTable("__ef_migrations")).Options);
}
