using System.CommandLine;
using T1.Server.Hosting;
using T1.Workflows.Definitions;

namespace T1.Cli.Commands;

/// <summary>`t1 validate FILE…`: exit 0 and a summary per valid file; exit 2 and FILE:LINE:COL lines otherwise.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var files = new Argument<string[]>("file") { Description = "Workflow YAML file(s).", Arity = ArgumentArity.OneOrMore };
        var cmd = new Command("validate", "Check workflow files without running them.") { files };
        cmd.SetAction(parse =>
        {
            var bad = 0;
            foreach (var file in parse.GetValue(files)!)
            {
                var result = Load(file);
                if (result.Definition is { } d)
                {
                    var edges = d.Steps.Sum(s => s.Needs.Count);
                    var schedule = d.Schedule is null ? "" : $", schedule \"{d.Schedule}\"";
                    Console.WriteLine($"{file}: ok — workflow '{d.Name}', {d.Steps.Count} step(s), {edges} dependency edge(s), {d.Params.Count} param(s){schedule}");
                }
                else
                {
                    bad++;
                    foreach (var diag in result.Diagnostics) Console.Error.WriteLine(diag);
                }
            }
            return bad == 0 ? CliErrors.Ok : CliErrors.BadInput;
        });
        return cmd;
    }

    /// <summary>Loads and validates a workflow file; a missing file is a diagnostic too.</summary>
    public static WorkflowLoadResult Load(string file)
    {
        if (!File.Exists(file))
            return new WorkflowLoadResult(null, [new Diagnostic(file, 1, 1, DiagnosticSeverity.Error, "no such file; give the path of a workflow YAML file (see workflows/)")]);
        return WorkflowLoader.LoadFile(file, StepCatalogs.Default);
    }

    /// <summary>Loads a workflow for commands that go on to use it; prints diagnostics and throws on error.</summary>
    public static WorkflowDefinition LoadOrThrow(string file)
    {
        var result = Load(file);
        if (result.Definition is not null) return result.Definition;
        foreach (var diag in result.Diagnostics) Console.Error.WriteLine(diag);
        throw new CliException($"{file} is not a valid workflow ({result.Diagnostics.Count} problem(s) above); nothing was stored or run.");
    }
}
