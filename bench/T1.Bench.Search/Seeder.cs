using System.Globalization;
using Npgsql;
using NpgsqlTypes;

namespace T1.Bench.Search;

/// <summary>
/// Fills a migrated database with <c>runs</c> runs shaped like real ones, by binary COPY: params JSON (lr, seed, task,
/// epochs), a status mix, three workflows over 60 days; per run an sft step's loss and lr curves (50 points each) and an
/// evaluation's accuracy@16/64/128/256 (one point each); a team tag on every tenth run.
/// </summary>
public static class Seeder
{
    public const int CurvePoints = 50;
    private static readonly string[] Workflows = ["t1-tiny", "t1-small", "hello"];
    private static readonly string[] Tasks = ["countdown", "linear", "arithmetic"];
    private static readonly string[] Statuses = ["Succeeded", "Succeeded", "Succeeded", "Failed", "Cancelled"];
    private static readonly int[] Budgets = [16, 64, 128, 256];

    public static async Task<long> SeedAsync(string connectionString, int runs)
    {
        var random = new Random(7);
        var start = new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc);
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        var metricRows = 0L;
        await using (var copy = await conn.BeginBinaryImportAsync(
            "COPY runs (\"Id\", \"DefinitionId\", \"WorkflowName\", \"DefinitionVersion\", \"Status\", \"Trigger\", \"ParamsJson\", \"CreatedAt\", \"FinishedAt\", \"NoCache\", \"StartedBy\") FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < runs; i++)
            {
                var created = start.AddMinutes(i * 60.0 * 24 * 60 / runs);
                var lr = Math.Pow(10, -4 + 2.5 * random.NextDouble());
                var json = string.Create(CultureInfo.InvariantCulture,
                    $"{{\"lr\": {lr:R}, \"seed\": {random.Next(100)}, \"task\": \"{Tasks[i % 3]}\", \"epochs\": {1 + i % 4}}}");
                await copy.StartRowAsync();
                await copy.WriteAsync(Id(i), NpgsqlDbType.Varchar);
                await copy.WriteAsync(1L + i % 3, NpgsqlDbType.Bigint);
                await copy.WriteAsync(Workflows[i % 3], NpgsqlDbType.Text);
                await copy.WriteAsync(1 + i % 5, NpgsqlDbType.Integer);
                await copy.WriteAsync(Statuses[random.Next(Statuses.Length)], NpgsqlDbType.Varchar);
                await copy.WriteAsync("Cli", NpgsqlDbType.Varchar);
                await copy.WriteAsync(json, NpgsqlDbType.Text);
                await copy.WriteAsync(created, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(created.AddSeconds(60 + random.Next(3600)), NpgsqlDbType.TimestampTz);
                await copy.WriteAsync(false, NpgsqlDbType.Boolean);
                await copy.WriteAsync(i % 2 == 0 ? "ann" : "bob", NpgsqlDbType.Varchar);
            }
            await copy.CompleteAsync();
        }
        await using (var copy = await conn.BeginBinaryImportAsync(
            "COPY metrics (\"StepRunId\", \"RunId\", \"Key\", \"Step\", \"Value\", \"Time\") FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < runs; i++)
            {
                var quality = random.NextDouble();
                for (var p = 1; p <= CurvePoints; p++)
                {
                    await Row(copy, 2L * i, Id(i), "loss", p * 10, 3.0 * Math.Exp(-p / 20.0) + 0.3 * (1 - quality));
                    await Row(copy, 2L * i, Id(i), "lr", p * 10, 1e-3);
                    metricRows += 2;
                }
                foreach (var b in Budgets)
                {
                    await Row(copy, 2L * i + 1, Id(i), $"accuracy@{b}", b, Math.Min(1, quality * (0.3 + 0.2 * Math.Log2(b / 16.0 + 1))));
                    metricRows++;
                }
            }
            await copy.CompleteAsync();
        }
        await using (var copy = await conn.BeginBinaryImportAsync("COPY run_tags (\"RunId\", \"Key\", \"Value\", \"CreatedAt\", \"By\") FROM STDIN (FORMAT BINARY)"))
        {
            for (var i = 0; i < runs; i += 10)
            {
                await copy.StartRowAsync();
                await copy.WriteAsync(Id(i), NpgsqlDbType.Varchar);
                await copy.WriteAsync("team", NpgsqlDbType.Varchar);
                await copy.WriteAsync(i % 20 == 0 ? "ml" : "infra", NpgsqlDbType.Varchar);
                await copy.WriteAsync(start, NpgsqlDbType.TimestampTz);
                await copy.WriteAsync("bench", NpgsqlDbType.Text);
            }
            await copy.CompleteAsync();
        }
        await using (var analyze = new NpgsqlCommand("ANALYZE", conn)) await analyze.ExecuteNonQueryAsync();
        return metricRows;
    }

    public static string Id(int i) => "r" + i.ToString("D11", CultureInfo.InvariantCulture);

    private static async Task Row(NpgsqlBinaryImporter copy, long stepRunId, string runId, string key, long step, double value)
    {
        await copy.StartRowAsync();
        await copy.WriteAsync(stepRunId, NpgsqlDbType.Bigint);
        await copy.WriteAsync(runId, NpgsqlDbType.Text);
        await copy.WriteAsync(key, NpgsqlDbType.Text);
        await copy.WriteAsync(step, NpgsqlDbType.Bigint);
        await copy.WriteAsync(value, NpgsqlDbType.Double);
        await copy.WriteAsync(new DateTime(2026, 10, 1, 0, 0, 0, DateTimeKind.Utc), NpgsqlDbType.TimestampTz);
    }
}
