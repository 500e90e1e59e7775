using T1.Workflows.Definitions;

namespace T1.Workflows.Tests.Definitions;

/// <summary>
/// The shipped files' shape; every invalid fixture reports exactly the expected
/// diagnostics (all of them, in one pass, at file:line:col).
/// </summary>
public class WorkflowFixturesTests
{
    public static TheoryData<string> ShippedWorkflows()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Path.Combine(DefinitionsTestKit.RepoRoot, "workflows"), "*.yaml").Order())
            data.Add(Path.GetFileName(f));
        return data;
    }

    // Every workflows/*.yaml is validated with all step types by the real CLI: tests/T1.Cli.Tests (Validate_EveryShippedWorkflow_...).

    [Fact]
    public void Hello_IsAFanOutFanInOfBuiltIns()
    {
        var def = WorkflowLoader.LoadFile(Path.Combine(DefinitionsTestKit.RepoRoot, "workflows", "hello.yaml"), DefinitionsTestKit.BuiltIns).Definition!;
        Assert.Equal(["greet", "nap-short", "nap-long", "shout", "summary"], def.TopologicalOrder().Select(s => s.Id));
        Assert.Equal(["nap-short", "nap-long", "shout"], def.FindStep("summary")!.Needs);
    }

    [Theory]
    [InlineData("syntax-error.yaml",
        "syntax-error.yaml:5:22: error: invalid YAML: while scanning a quoted scalar, found unexpected end of stream")]
    [InlineData("empty.yaml",
        "empty.yaml:1:1: error: the file is empty; a workflow needs at least 'name' and 'steps'")]
    [InlineData("missing-name-and-steps.yaml",
        "missing-name-and-steps.yaml:1:1: error: missing required key 'name'",
        "missing-name-and-steps.yaml:1:1: error: missing required key 'steps'")]
    [InlineData("empty-steps.yaml",
        "empty-steps.yaml:2:1: error: 'steps' is empty; add at least one step")]
    [InlineData("unknown-keys.yaml",
        "unknown-keys.yaml:2:1: error: unknown key 'descripton'; did you mean 'description'?",
        "unknown-keys.yaml:3:1: error: unknown key 'owner'; expected one of: name, description, schedule, params, steps",
        "unknown-keys.yaml:7:5: error: step 'a': unknown key 'nedds'; did you mean 'needs'?",
        "unknown-keys.yaml:8:27: error: step 'a': unknown key 'retry.bakoff'; did you mean 'backoff'?")]
    [InlineData("unknown-step-type.yaml",
        "unknown-step-type.yaml:4:11: error: step 'train': unknown step type 'sfft'; did you mean 'sft'?")]
    [InlineData("duplicate-ids.yaml",
        "duplicate-ids.yaml:6:9: error: duplicate step id 'a'; first defined at 3:9")]
    [InlineData("malformed-ids.yaml",
        "malformed-ids.yaml:3:9: error: invalid step id 'Train'; ids use lowercase letters, digits, '-' and '_', start with a letter or digit, and are at most 64 characters",
        "malformed-ids.yaml:6:9: error: invalid step id 'has space'; ids use lowercase letters, digits, '-' and '_', start with a letter or digit, and are at most 64 characters",
        "malformed-ids.yaml:9:9: error: invalid step id '-leading-dash'; ids use lowercase letters, digits, '-' and '_', start with a letter or digit, and are at most 64 characters",
        "malformed-ids.yaml:12:9: error: invalid step id 'a123456789a123456789a123456789a123456789a123456789a123456789abcde'; ids use lowercase letters, digits, '-' and '_', start with a letter or digit, and are at most 64 characters",
        "malformed-ids.yaml:15:5: error: step #5 is missing 'id'")]
    [InlineData("bad-needs.yaml",
        "bad-needs.yaml:8:13: error: step 'train' needs 'prepar', which is not a step of this workflow; did you mean 'prepare'?",
        "bad-needs.yaml:8:21: error: step 'train' needs itself; remove 'train' from its needs",
        "bad-needs.yaml:12:12: error: step 'report' needs 'missing', which is not a step of this workflow")]
    [InlineData("cycle.yaml",
        "cycle.yaml:5:13: error: dependency cycle: a → c → b → a (each step needs the next); remove one of these needs",
        "cycle.yaml:17:13: error: dependency cycle: d → e → d (each step needs the next); remove one of these needs")]
    [InlineData("expressions.yaml",
        "expressions.yaml:7:14: error: step 'synth', input 'seed': unknown param 'sed' in '${{ params.sed }}'; did you mean 'seed'?",
        "expressions.yaml:8:14: error: step 'synth', input 'task': unclosed expression '${{ params.seed'; close it with '}}'",
        "expressions.yaml:13:17: error: step 'sft', input 'dataset': step 'synth' (synthesize) has no output 'datset'; did you mean 'dataset'?",
        "expressions.yaml:15:16: error: step 'sft', input 'extra': malformed expression '${{ stepz.synth }}'; write ${{ params.NAME }} or ${{ steps.ID.outputs.NAME }}",
        "expressions.yaml:16:18: error: step 'sft', input 'extra': unknown step 'synt' in '${{ steps.synt.outputs.dataset }}'; did you mean 'synth'?",
        "expressions.yaml:16:55: error: step 'sft', input 'extra': '${{ steps.sft.outputs.loss }}' refers to the step's own output; a step can only use outputs of steps it needs",
        "expressions.yaml:25:17: error: step 'late': '${{ steps.report.outputs.message }}' uses step 'report', which is not among its needs; add 'report' to needs")]
    [InlineData("inputs.yaml",
        "inputs.yaml:7:13: error: step 'synth': input 'task' must be one of countdown, arithmetic; got 'countdwn'; did you mean 'countdown'?",
        "inputs.yaml:8:14: error: step 'synth': input 'count' must be between 1 and 1000000, got '0'",
        "inputs.yaml:9:13: error: step 'synth': input 'seed' must be an integer, got '1.5'",
        "inputs.yaml:10:7: error: step 'synth': step type 'synthesize' has no input 'mesage'; its inputs are: task, count, seed",
        "inputs.yaml:14:5: error: step 'sft': missing required input 'dataset' of step type 'sft'",
        "inputs.yaml:15:15: error: step 'sft': input 'epochs' must be an integer, but '${{ params.rate }}' is a number",
        "inputs.yaml:16:22: error: step 'sft': input 'learning_rate' must be between 0 and 1, got '2'",
        "inputs.yaml:17:16: error: step 'sft': input 'shuffle' must be true or false, got 'maybe'",
        "inputs.yaml:18:15: error: step 'sft': input 'warmup' must be a duration like 30s, 5m or 2h, got 'soon'",
        "inputs.yaml:19:21: error: step 'sft': input 'budgets' must be an integer, got 'x'",
        "inputs.yaml:19:24: error: step 'sft': input 'budgets' must be an integer, got '64.5'",
        "inputs.yaml:20:14: error: step 'sft': input 'extra' must be a mapping, not a list",
        "inputs.yaml:25:16: error: step 'sft2': input 'dataset' must be an artifact reference (t1://artifacts/<sha256>, usually a step output), but '${{ steps.synth.outputs.count }}' is an integer",
        "inputs.yaml:28:16: error: step 'sft2': input 'budgets' must be a list, but '${{ params.label }}' is text",
        "inputs.yaml:32:16: error: step 'sft3': input 'dataset' must be an artifact reference (t1://artifacts/<sha256>, usually a step output), got 'not-an-artifact'",
        "inputs.yaml:33:5: error: step 'hi': missing required input 'message' of step type 'echo'")]
    [InlineData("settings.yaml",
        "settings.yaml:2:11: error: invalid schedule '0 3 * *' (it has 4 fields); write 5 cron fields (minute hour day-of-month month day-of-week), e.g. \"0 3 * * *\", or 6 with seconds first",
        "settings.yaml:6:12: error: step 'a': invalid queue 'GPU!'; queue names use lowercase letters, digits, '-' and '_' (e.g. gpu, cpu)",
        "settings.yaml:7:24: error: step 'a': retry attempts must be at least 1 (total tries, the first included; 1 means no retry), got 0",
        "settings.yaml:7:36: error: step 'a': invalid retry backoff 'soon'; write a duration like 500ms, 30s, 5m, 1h30m or 2d",
        "settings.yaml:8:12: error: step 'a': 'cache' must be true or false, got 'yes'",
        "settings.yaml:9:14: error: step 'a': invalid timeout '0s'; write a positive duration like 30s, 5m or 2h",
        "settings.yaml:13:24: error: step 'b': retry attempts must be at least 1 (total tries, the first included; 1 means no retry), got -1",
        "settings.yaml:14:14: error: step 'b': invalid timeout 'forever'; write a positive duration like 30s, 5m or 2h")]
    public void InvalidFixture_ReportsEveryProblemAtItsPosition(string file, params string[] expected)
    {
        var path = Path.Combine(DefinitionsTestKit.FixturesDirectory, file);
        var result = WorkflowLoader.Load(File.ReadAllText(path), file, DefinitionsTestKit.Catalog);
        Assert.Null(result.Definition);
        Assert.Equal(string.Join("\n", expected), string.Join("\n", result.Diagnostics));
    }
}
