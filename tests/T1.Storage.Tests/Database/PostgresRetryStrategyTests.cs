using Microsoft.EntityFrameworkCore;
using Npgsql;
using T1.Storage.Database;

namespace T1.Storage.Tests.Database;

/// <summary>Database calls ride out PostgreSQL being stopped and started again (pg_ctl), and give up saying so.</summary>
[Collection(OutageCollection.Name)]
public sealed class PostgresRetryStrategyTests
{
    private static async Task<DatabaseFactory> FreshDatabaseAsync(TimeSpan retryFor)
    {
        var admin = Environment.GetEnvironmentVariable("T1_TEST_POSTGRES") is { Length: > 0 } cs ? cs
            : throw new InvalidOperationException("T1_TEST_POSTGRES is not set: run the tests through scripts/test.sh (or `eval \"$(scripts/test.sh --env-only)\"` first).");
        var name = "t1_" + Guid.NewGuid().ToString("N")[..12];
        // Not pooled: a pooled admin connection would be broken by the previous test's outage.
        await using (var conn = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(admin) { Pooling = false }.ConnectionString))
        {
            await conn.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE {name}", conn);
            await cmd.ExecuteNonQueryAsync();
        }
        var csb = new NpgsqlConnectionStringBuilder(admin) { Database = name };
        var factory = new DatabaseFactory(new DatabaseOptions
        {
            ConnectionString = csb.ConnectionString, RetryFor = retryFor, RetryMaxDelay = TimeSpan.FromSeconds(1),
        });
        await factory.MigrateAsync();
        return factory;
    }

    private static RunRecord Run(string id) => new()
    {
        Id = id, DefinitionId = 0, WorkflowName = "outage", DefinitionVersion = 1, Status = RunStatus.Running,
        Trigger = RunTrigger.Api, ParamsJson = "{}", CreatedAt = DateTime.UtcNow,
    };

    [Fact]
    public async Task QueryAndTransaction_WhilePostgresIsDown_WaitForIt_AndCommitOnce()
    {
        var database = await FreshDatabaseAsync(TimeSpan.FromMinutes(2));
        await using (var warm = database.Create()) await warm.Runs.CountAsync(); // connected once, so outages are retried
        await Outage.StopAsync(Outage.Postgres);
        Task<int> count;
        Task write;
        try
        {
            // the query reads a table the transaction does not write, so its answer does not depend on which reconnects first
            count = Task.Run(async () => { await using var db = database.Create(); return await db.Models.CountAsync(); });
            write = Task.Run(async () =>
            {
                await using var db = database.Create();
                await db.InTransactionAsync(async ct =>
                {
                    db.Runs.Add(Run("outage-run"));
                    await db.SaveChangesAsync(ct);
                });
            });
            await Task.Delay(TimeSpan.FromSeconds(4));
            Assert.False(count.IsCompleted, count.Exception?.ToString());
            Assert.False(write.IsCompleted, write.Exception?.ToString());
        }
        finally
        {
            await Outage.StartAsync(Outage.Postgres);
        }

        Assert.Equal(0, await count.WaitAsync(TimeSpan.FromSeconds(30)));
        await write.WaitAsync(TimeSpan.FromSeconds(30));
        await using var check = database.Create();
        Assert.Equal(["outage-run"], await check.Runs.Select(r => r.Id).ToListAsync());
    }

    [Fact]
    public async Task Query_GivesUp_AfterRetryFor_NamingTheDatabaseAndWhatToCheck()
    {
        var database = await FreshDatabaseAsync(TimeSpan.FromSeconds(2));
        await using (var warm = database.Create()) await warm.Runs.CountAsync();
        await Outage.StopAsync(Outage.Postgres);
        DatabaseUnavailableException e;
        try
        {
            await using var db = database.Create();
            e = await Assert.ThrowsAsync<DatabaseUnavailableException>(() => db.Runs.CountAsync());
        }
        finally
        {
            await Outage.StartAsync(Outage.Postgres);
        }
        Assert.StartsWith($"{database.Description} did not answer for 2 s (", e.Message);
        Assert.EndsWith("); check that it runs and that --database / T1__Database__ConnectionString points at it", e.Message);
    }

    [Fact]
    public async Task WrongConnectionString_FailsAtOnce_WithoutRetrying()
    {
        var csb = new NpgsqlConnectionStringBuilder(Environment.GetEnvironmentVariable("T1_TEST_POSTGRES")) { Port = 1 };
        var database = new DatabaseFactory(new DatabaseOptions { ConnectionString = csb.ConnectionString });
        var watch = System.Diagnostics.Stopwatch.StartNew();
        await using var db = database.Create();
        await Assert.ThrowsAsync<NpgsqlException>(() => db.Runs.CountAsync());
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
    }
}
