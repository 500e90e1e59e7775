using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using Spectre.Console;
using T1.Server.Hosting;
using T1.Workflows.Engine;
using T1.Workflows.Retention;
using T1.Workflows.Steps;

namespace T1.Cli.Commands;

/// <summary>`t1 gc`: retention — old runs, then unreferenced blobs, cache entries and work folders.</summary>
internal static class GcCommand
{
    public static Command Create()
    {
        var apply = new Option<bool>("--apply") { Description = "Delete. Without it, only print what would be deleted and freed (a dry run)." };
        var olderThan = new Option<string?>("--older-than") { Description = "Delete finished runs created longer ago than this, e.g. 30d, 12h (default T1__Retention__OlderThan, 30 days)." };
        var keepLast = new Option<int?>("--keep-last") { Description = "Always keep the newest N runs of each workflow (default T1__Retention__KeepLast, 10)." };
        var cmd = new Command("gc", "Delete old runs (never those that produced a registry version, nor the runs their cached steps came from), then the blobs, cache entries and work folders nothing references; prints what it frees. A dry run unless --apply.")
            { apply, olderThan, keepLast };
        cmd.SetAction(async (parse, ct) =>
        {
            var options = CliServices.Options(parse);
            var policy = options.Retention;
            if (parse.GetValue(olderThan) is { } text)
                policy.OlderThan = Durations.TryParse(text, out var age) ? age
                    : throw new CliException($"--older-than '{text}' is not a duration; write e.g. 30d, 12h or 90m.");
            if (parse.GetValue(keepLast) is { } n)
                policy.KeepLast = n >= 0 ? n : throw new CliException($"--keep-last {n} is negative; give 0 or more runs to keep per workflow.");
            var db = await CliServices.DatabaseAsync(options, ct);
            var store = T1Services.CreateArtifactStore(options);
            var gc = new GarbageCollector(db, store, options.Engine, NullLogger<GarbageCollector>.Instance);
            var report = await gc.CollectAsync(policy, parse.GetValue(apply), ct);
            Print(report, policy, store.Location, options.Engine);
            return CliErrors.Ok;
        });
        return cmd;
    }

    private static void Print(GcReport r, RetentionOptions policy, string storeLocation, EngineOptions engine)
    {
        var verb = r.Applied ? "deleted" : "would delete";
        Console.WriteLine(r.Applied ? "t1 gc" : "t1 gc (dry run: nothing is deleted; --apply deletes)");
        Console.WriteLine($"runs: {verb} {r.Runs.Count} (finished, older than {Durations.Format(policy.OlderThan)}, beyond the newest {policy.KeepLast} of each workflow)"
            + (r.ProtectedRuns > 0 ? $"; kept {r.ProtectedRuns} such run(s) that produced a registry version or that a kept run's cached step came from" : ""));
        foreach (var run in r.Runs)
            Console.WriteLine($"  {run.Id}  {run.Workflow} v{run.Version}  {run.Status}  {RunPrinter.Time(run.CreatedAt)}");
        Console.WriteLine($"blobs: {verb} {r.Blobs} that nothing references, {RunPrinter.Size(r.BlobBytes)} ({storeLocation})");
        Console.WriteLine($"cache: {verb} {r.CacheEntries} entr{(r.CacheEntries == 1 ? "y" : "ies")}, {RunPrinter.Size(r.CacheBytes)} ({engine.CacheDirectory})");
        Console.WriteLine($"work folders: {verb} {r.WorkFolders}, {RunPrinter.Size(r.WorkBytes)} ({engine.WorkDirectory})");
        AnsiConsole.MarkupLine(r.Applied ? $"[green]freed {RunPrinter.Size(r.TotalBytes)}[/]" : $"would free {RunPrinter.Size(r.TotalBytes)}");
    }
}
