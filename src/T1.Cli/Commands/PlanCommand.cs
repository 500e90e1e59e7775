using System.CommandLine;
using T1.Ml.Planning;
using T1.Server.Hosting;
using T1.Workflows.Definitions;

namespace T1.Cli.Commands;

/// <summary>
/// `t1 plan FILE`: each ML step's estimated peak memory by phase, exit 2 when a step cannot fit the device;
/// and the same check before `t1 run` starts a run.
/// </summary>
internal static class PlanCommand
{
    public static readonly Option<string?> DeviceMemory = new("--device-memory")
    {
        Description = "Memory of the device the steps run on, e.g. 80GiB or 141GB (default: T1__Plan__DeviceMemory, else this machine's memory).",
    };

    private static readonly Option<int?> PromptTokens = new("--prompt-tokens")
    {
        Description = "Assumed tokens of the longest prompt in a batch, chat template included (default 256, or T1__Plan__PromptTokens).",
    };

    private static readonly Option<string> AutoDevice = new("--auto-device")
    {
        Description = "What a step's device: auto stands for here: cpu (default) or cuda.",
        DefaultValueFactory = _ => "cpu",
    };

    private static readonly Option<bool> Verbose = new("--verbose", "-v") { Description = "Also print each term of every step's peak with its formula." };

    public static Command Create()
    {
        var file = new Argument<string>("file") { Description = "Workflow YAML file." };
        var cmd = new Command("plan", "Estimate each step's peak memory (weights, gradients, optimizer, activations, KV cache, logits) from its model's config.json and inputs; exit 2 when a step cannot fit.")
        {
            file, RunCommand.Params, DeviceMemory, PromptTokens, AutoDevice, Verbose,
        };
        cmd.SetAction(parse =>
        {
            var definition = ValidateCommand.LoadOrThrow(parse.GetValue(file)!);
            var options = CliServices.Options(parse);
            var (device, deviceText) = DeviceBytes(parse, options);
            var plan = Planner(parse, options).Plan(definition, RunCommand.ParseParams(parse.GetValue(RunCommand.Params) ?? []));
            PlanPrinter.Print(plan, device, deviceText, parse.GetValue(Verbose));
            var problems = plan.Problems(device);
            foreach (var problem in problems) Console.Error.WriteLine($"error: {problem}");
            return problems.Count == 0 ? CliErrors.Ok : CliErrors.BadInput;
        });
        return cmd;
    }

    /// <summary>
    /// Before `t1 run`: refuses (exit 2, nothing stored) a workflow with a step that cannot fit, unless the check is
    /// off (<paramref name="skip"/>, or T1__Plan__Check=false).
    /// </summary>
    public static void CheckBeforeRun(ParseResult parse, T1Options options, WorkflowDefinition definition, IReadOnlyDictionary<string, string> overrides, bool skip)
    {
        if (skip || !options.Plan.Check) return;
        var (device, deviceText) = DeviceBytes(parse, options);
        var plan = Planner(parse, options).Plan(definition, overrides);
        var problems = plan.Problems(device);
        if (problems.Count == 0) return;
        PlanPrinter.Print(plan, device, deviceText, verbose: false);
        foreach (var problem in problems) Console.Error.WriteLine($"error: {problem}");
        throw new CliException($"the memory plan of '{definition.Name}' has {problems.Count} step(s) that cannot fit {deviceText}; nothing was stored or run. " +
            "Change the inputs named above, or run anyway with --no-plan-check (or T1__Plan__Check=false).");
    }

    private static MemoryPlanner Planner(ParseResult parse, T1Options options)
    {
        var auto = (parse.GetValue(AutoDevice) ?? "cpu").Trim().ToLowerInvariant();
        if (auto is not ("cpu" or "cuda")) throw new CliException($"--auto-device '{auto}' must be cpu or cuda");
        var prompt = parse.GetValue(PromptTokens) ?? options.Plan.PromptTokens;
        if (prompt < 1) throw new CliException($"--prompt-tokens must be at least 1, got {prompt}");
        return new MemoryPlanner(StepCatalogs.Default, new PlanSettings { PromptTokens = prompt, AutoDevice = auto });
    }

    private static (long Bytes, string Text) DeviceBytes(ParseResult parse, T1Options options)
    {
        var (given, from) = parse.GetValue(DeviceMemory) is { Length: > 0 } flag ? (flag, "--device-memory")
            : options.Plan.DeviceMemory is { Length: > 0 } setting ? (setting, "T1__Plan__DeviceMemory") : (null, null);
        if (given is null)
        {
            var total = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
            return (total, $"{DataSize.Format(total)} (this machine's memory; --device-memory plans for another device)");
        }
        try
        {
            var bytes = DataSize.Parse(given);
            return (bytes, $"{DataSize.Format(bytes)} ({from})");
        }
        catch (FormatException e)
        {
            throw new CliException($"{from}: {e.Message}");
        }
    }
}
