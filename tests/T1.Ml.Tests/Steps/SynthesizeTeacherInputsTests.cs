using T1.Ml.Steps;
using T1.Workflows.Definitions;
using T1.Workflows.Steps;

namespace T1.Ml.Tests.Steps;

/// <summary>The teacher inputs of synthesize as validation sees them: the problem source is training data, and the API key is only ever named.</summary>
public sealed class SynthesizeTeacherInputsTests
{
    private static readonly StepCatalog Catalog = StepCatalog.FromAssemblies(typeof(SynthesizeStep).Assembly);

    private const string Workflow = """
        name: teacher
        params:
          train_problems: /data/math-train.jsonl
          math500: data/benchmarks/math500.jsonl
        steps:
          - id: teacher
            uses: synthesize
            with:
              task: jsonl
              count: 100
              source: ${{ params.train_problems }}
              teacher_url: http://localhost:5000/v1
              teacher_model: qwen-teacher
              teacher_api_key: env:T1_TEACHER_API_KEY
          - id: sft
            uses: sft
            needs: [teacher]
            with: { dataset: "${{ steps.teacher.outputs.dataset }}", model: tiny }
          - id: eval
            uses: evaluate
            needs: [sft]
            with: { checkpoint: "${{ steps.sft.outputs.checkpoint }}", task: jsonl, source: "${{ params.math500 }}" }
        """;

    [Fact]
    public void TeacherSource_IsTrainingData()
    {
        Assert.Equal(DataRole.Training, Catalog.Find("synthesize")!.FindInput("source")!.Data);
        var result = WorkflowLoader.Load(Workflow, "teacher.yaml", Catalog);
        Assert.True(result.Succeeded, string.Join("\n", result.Diagnostics));
    }

    [Fact]
    public void Validate_RefusesTeacherProblemsThatAreTheEvaluationFile()
    {
        var leak = Workflow.Replace("train_problems: /data/math-train.jsonl", "train_problems: data/benchmarks/math500.jsonl", StringComparison.Ordinal);
        var result = WorkflowLoader.Load(leak, "teacher.yaml", Catalog);
        Assert.Equal(
            "teacher.yaml:11:15: error: step 'teacher': source 'data/benchmarks/math500.jsonl' (param train_problems) is also the evaluation data of step 'eval' " +
            "(its source, line 22); training on it would make that evaluation measure memorisation. Train on separate data (--param train_problems=FILE).",
            Assert.Single(result.Diagnostics).ToString());
    }

    [Theory]
    [InlineData("sk-proj-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c")]
    [InlineData("T1_TEACHER_API_KEY")]
    public void Validate_RefusesAnApiKeyThatIsNotASource_WithoutRepeatingTheValue(string value)
    {
        var literal = Workflow.Replace("env:T1_TEACHER_API_KEY", value, StringComparison.Ordinal);
        var result = WorkflowLoader.Load(literal, "teacher.yaml", Catalog);
        var error = Assert.Single(result.Diagnostics).ToString();
        Assert.Equal(
            "teacher.yaml:14:24: error: step 'teacher': input 'teacher_api_key' must say where the API key is, not be the key: env:NAME (an environment variable of the worker, e.g. env:OPENAI_API_KEY) or secret:NAME (a file in the worker's secrets folder)",
            error);
        Assert.DoesNotContain(value, error);
    }

    [Fact]
    public void Validate_RefusesAnApiKeyAsAParamDefault_AtTheDefault_NamingTheParam()
    {
        var key = "sk-proj-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c";
        var viaParam = Workflow
            .Replace("  math500: data/benchmarks/math500.jsonl", "  math500: data/benchmarks/math500.jsonl\n  openai_key: " + key, StringComparison.Ordinal)
            .Replace("teacher_api_key: env:T1_TEACHER_API_KEY", "teacher_api_key: ${{ params.openai_key }}", StringComparison.Ordinal);
        var result = WorkflowLoader.Load(viaParam, "teacher.yaml", Catalog);
        var error = Assert.Single(result.Diagnostics).ToString();
        Assert.Equal(
            "teacher.yaml:5:15: error: param 'openai_key' (input 'teacher_api_key' of step 'teacher'): its default must say where the API key is, not be the key: " +
            "env:NAME (an environment variable of the worker, e.g. env:OPENAI_API_KEY) or secret:NAME (a file in the worker's secrets folder)",
            error);
        Assert.DoesNotContain(key, error);
        // A default that names a source is fine.
        Assert.True(WorkflowLoader.Load(viaParam.Replace(key, "env:OPENAI_API_KEY", StringComparison.Ordinal), "teacher.yaml", Catalog).Succeeded);
    }
}
