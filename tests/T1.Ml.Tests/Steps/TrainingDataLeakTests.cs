using T1.Ml.Steps;
using T1.Workflows.Definitions;
using T1.Workflows.Steps;

namespace T1.Ml.Tests.Steps;

/// <summary>
/// The ML steps declare which inputs are training data (sft dataset, rl source/prompts) and which are
/// evaluation data (evaluate source/dataset); validation and param binding refuse a workflow that trains on
/// its own evaluation data, and a run whose training data param is empty.
/// </summary>
public sealed class TrainingDataLeakTests
{
    private static readonly StepCatalog Catalog = StepCatalog.FromAssemblies(typeof(RlStep).Assembly);

    private const string Workflow = """
        name: leak
        params:
          base: /models/qwen
          sft_data:
          rl_prompts: data/benchmarks/math500.jsonl
          math500: data/benchmarks/math500.jsonl
        steps:
          - id: sft
            uses: sft
            with: { dataset: "${{ params.sft_data }}", model: "${{ params.base }}" }
          - id: rl
            uses: rl
            needs: [sft]
            with:
              init: ${{ steps.sft.outputs.checkpoint }}
              task: jsonl
              source: ${{ params.rl_prompts }}
          - id: eval-rl
            uses: evaluate
            needs: [rl]
            with:
              checkpoint: ${{ steps.rl.outputs.checkpoint }}
              task: jsonl
              source: ${{ params.math500 }}
        """;

    [Fact]
    public void StepDeclarations_MarkTrainingAndEvaluationData()
    {
        Assert.Equal(DataRole.Training, Catalog.Find("sft")!.FindInput("dataset")!.Data);
        Assert.Equal(DataRole.Training, Catalog.Find("rl")!.FindInput("source")!.Data);
        Assert.Equal(DataRole.Training, Catalog.Find("rl")!.FindInput("prompts")!.Data);
        Assert.Equal(DataRole.Evaluation, Catalog.Find("evaluate")!.FindInput("source")!.Data);
        Assert.Equal(DataRole.Evaluation, Catalog.Find("evaluate")!.FindInput("dataset")!.Data);
        Assert.Equal(DataRole.None, Catalog.Find("evaluate")!.FindInput("checkpoint")!.Data);
    }

    [Fact]
    public void Validate_RefusesRlPromptsThatAreTheEvaluationFile_AtTheValue()
    {
        var result = WorkflowLoader.Load(Workflow, "leak.yaml", Catalog);
        Assert.Null(result.Definition);
        Assert.Equal(
            "leak.yaml:17:15: error: step 'rl': source 'data/benchmarks/math500.jsonl' (param rl_prompts) is also the evaluation data of step 'eval-rl' " +
            "(its source, line 24); training on it would make that evaluation measure memorisation. Train on separate data (--param rl_prompts=FILE).",
            Assert.Single(result.Diagnostics).ToString());
    }

    [Fact]
    public void Validate_ComparesAbsolutePaths_AndStepOutputs()
    {
        var literal = Workflow.Replace("${{ params.rl_prompts }}", "./data/../data/benchmarks/math500.jsonl", StringComparison.Ordinal);
        Assert.Contains("source './data/../data/benchmarks/math500.jsonl' is also the evaluation data of step 'eval-rl'",
            Assert.Single(WorkflowLoader.Load(literal, "leak.yaml", Catalog).Diagnostics).Message);

        var sameOutput = """
            name: same-output
            steps:
              - id: synth
                uses: synthesize
                with: { task: linear, count: 100 }
              - id: sft
                uses: sft
                needs: [synth]
                with: { dataset: "${{ steps.synth.outputs.dataset }}" }
              - id: eval
                uses: evaluate
                needs: [sft]
                with: { checkpoint: "${{ steps.sft.outputs.checkpoint }}", dataset: "${{ steps.synth.outputs.dataset }}" }
            """;
        Assert.Contains("step 'sft': dataset ${{ steps.synth.outputs.dataset }} is also the evaluation data of step 'eval' (its dataset, line 13)",
            Assert.Single(WorkflowLoader.Load(sameOutput, "same.yaml", Catalog).Diagnostics).Message);
    }

    [Fact]
    public void Bind_RefusesAnEmptyTrainingParam_AndAParamThatBringsTheLeakBack()
    {
        var fixedFile = Workflow.Replace("rl_prompts: data/benchmarks/math500.jsonl", "rl_prompts: /data/math-train.jsonl", StringComparison.Ordinal);
        var result = WorkflowLoader.Load(fixedFile, "ok.yaml", Catalog);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
        var def = result.Definition!;

        var empty = Assert.Throws<WorkflowParamException>(() => ParamBinder.Bind(def, new Dictionary<string, string>()));
        Assert.Equal("ok.yaml:8:5: param 'sft_data' has no value, and step 'sft' reads its training data (dataset) from it; pass --param sft_data=FILE.", empty.Message);
        Assert.Equal("sft_data", empty.Param);

        var leak = Assert.Throws<WorkflowParamException>(() => ParamBinder.Bind(def, new Dictionary<string, string>
        {
            ["sft_data"] = "/data/traces.jsonl", ["rl_prompts"] = Path.GetFullPath("data/benchmarks/math500.jsonl"),
        }));
        Assert.Equal(
            $"ok.yaml:11:5: step 'rl': source '{Path.GetFullPath("data/benchmarks/math500.jsonl")}' (param rl_prompts) is also the evaluation data of step 'eval-rl' " +
            "(its source, in the step at line 18); training on it would make that evaluation measure memorisation. Train on separate data (--param rl_prompts=FILE).",
            leak.Message);
        Assert.Equal("rl_prompts", leak.Param);

        var bound = ParamBinder.Bind(def, new Dictionary<string, string> { ["sft_data"] = "/data/traces.jsonl" });
        Assert.Equal("/data/math-train.jsonl", (string?)bound["rl_prompts"]);
    }
}
