using T1.Ml.Planning;
using T1.Ml.Steps;
using T1.Workflows.Definitions;
using T1.Workflows.Steps;

namespace T1.Ml.Tests.Planning;

public sealed class MemoryPlannerTests : IDisposable
{
    private static readonly StepCatalog Catalog = StepCatalog.FromAssemblies(typeof(SftStep).Assembly);
    private const long Runtime = 100L << 20;
    private static readonly PlanSettings Settings = new() { PromptTokens = 16, CpuRuntimeBytes = Runtime };
    private readonly string _dir = Directory.CreateTempSubdirectory("t1-plan-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string Tiny = """
        name: plan-tiny
        params: { model: tiny }
        steps:
          - id: synth
            uses: synthesize
            with: { task: linear, count: 10 }
          - id: sft
            uses: sft
            needs: [synth]
            with: { dataset: "${{ steps.synth.outputs.dataset }}", model: "${{ params.model }}", vocab_size: 512, batch_size: 4, max_len: 65, device: cpu }
          - id: rl
            uses: rl
            needs: [sft]
            with: { init: "${{ steps.sft.outputs.checkpoint }}", prompts_per_step: 2, samples_per_prompt: 4, max_new_tokens: 32, micro_batch: 8, device: cpu }
          - id: eval
            uses: evaluate
            needs: [rl]
            with: { checkpoint: "${{ steps.rl.outputs.checkpoint }}", count: 10, budgets: [64], device: cpu }
        """;

    private static MemoryPlan Plan(string yaml, Dictionary<string, string>? overrides = null)
    {
        var loaded = WorkflowLoader.Load(yaml, "plan.yaml", Catalog);
        Assert.True(loaded.Definition is not null, string.Join("\n", loaded.Diagnostics));
        return new MemoryPlanner(Catalog, Settings).Plan(loaded.Definition!, overrides ?? []);
    }

    [Fact]
    public void Sft_OnTheTinyPreset_HasTheHandComputedBreakdown()
    {
        var sft = Plan(Tiny).Steps.Single(s => s.StepId == "sft");
        // tiny, vocabulary 512: V 512, C 128, L 4, H 4, KV 2, D 32, I 512, 512 positions; P = 1 050 752.
        var phase = Assert.Single(sft.Estimate!.Phases); // a new preset model: nothing is loaded
        Assert.Equal("train", phase.Name);
        Assert.Equal(1_050_752L * 4 + 2 * 512 * 32 * 4, phase.Of(MemoryComponent.Weights)); // P·4 + cos/sin tables = 4 334 080
        Assert.Equal(4_203_008L, phase.Of(MemoryComponent.Gradients));                   // P·4
        Assert.Equal(8_406_016L, phase.Of(MemoryComponent.Optimizer));                   // 2·P·4
        // saved per token: L·(9C + 4I + H) + 2C + 2D = 4·(1152 + 2048 + 4) + 256 + 64 = 13 136 elements;
        // 4 rows × 64 positions (max_len − 1) × 13 136 × 4 B
        Assert.Equal(13_451_264L, phase.Of(MemoryComponent.Activations));
        // one chunk of all 256 positions (⌊128 MiB / (4·512)⌋ = 65 536 ≥ 256): 4 copies × 256 · 512 · 4 B = 2 097 152,
        // + the output projection's gradient V·C·(4 + 4) = 524 288 + the hidden gradient 256 · 128 · 4 = 131 072
        Assert.Equal(2_752_512L, phase.Of(MemoryComponent.Logits));
        Assert.Equal(Runtime, phase.Of(MemoryComponent.Runtime));
        Assert.Equal(138_004_480L, phase.Total);
        Assert.Equal("new tiny", sft.Model!.Source);
    }

    [Fact]
    public void Rl_LoadsTheSftCheckpoint_AndPeaksInTheUpdate()
    {
        var rl = Plan(Tiny).Steps.Single(s => s.StepId == "rl");
        Assert.Equal("checkpoint of 'sft'", rl.Model!.Source);
        Assert.Equal(["load", "rollout", "score", "update"], rl.Estimate!.Phases.Select(p => p.Name));
        var load = rl.Estimate.Phases[0];
        Assert.Equal(4_203_008L, load.Of(MemoryComponent.Other)); // the fp32 checkpoint read before its copy
        var update = rl.Estimate.Peak;
        Assert.Equal("update", update.Name);
        // 8 rows, sequence 16 prompt + 32 new = 48: activations 8·48·13 136·4; logits at temperature 1.2: 5 copies of the
        // 384-position chunk · 512 · 4 + V·C·8 + 384 · 128 · 4
        Assert.Equal(20_176_896L, update.Of(MemoryComponent.Activations));
        Assert.Equal(3_932_160L + 524_288 + 196_608, update.Of(MemoryComponent.Logits));
        Assert.Equal(2 * 4_334_080L, update.Of(MemoryComponent.Weights)); // policy and anchor
        var rollout = rl.Estimate.Phases[1];
        // 8 rows (rollout_batch 256, max_batch_tokens 262 144 / 48 allow all), 48 positions in one page of 128, L + 1 layers
        Assert.Equal(2L * 5 * 8 * 2 * 128 * 32 * 4 + 8 * 128, rollout.Of(MemoryComponent.KvCache));
    }

    [Fact]
    public void Evaluate_FollowsTheModelThroughRl()
    {
        var eval = Plan(Tiny).Steps.Single(s => s.StepId == "eval");
        Assert.Equal("checkpoint of 'rl'", eval.Model!.Source);
        var generate = eval.Estimate!.Phases.Single(p => p.Name == "generate");
        // 10 rows; 16 prompt + 64 thinking + 1 + 31 answer-prompt bytes + 24 answer tokens = 136 positions
        Assert.Equal(2L * 5 * 10 * 2 * 256 * 32 * 4 + 10 * 256, generate.Of(MemoryComponent.KvCache)); // two pages, L + 1 layers
        // the forced answer's prefill of 112 positions: GQA's repeated K/V of a layer, its mask, one layer's working set
        Assert.Equal(2L * 10 * 4 * 112 * 32 * 4 + 10L * 112 * 112 * 6, generate.Of(MemoryComponent.Other));
        Assert.Equal(10L * 112 * (6 * 128 + 4 * 512) * 4, generate.Of(MemoryComponent.Activations));
    }

    [Fact]
    public void ModelFolder_IsReadFromConfigJson_WithItsStoredDtype()
    {
        File.WriteAllText(Path.Combine(_dir, "config.json"), """
            { "model_type": "qwen2", "vocab_size": 1000, "hidden_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4,
              "num_key_value_heads": 2, "intermediate_size": 128, "tie_word_embeddings": true, "torch_dtype": "bfloat16" }
            """);
        var sft = Plan(Tiny, new() { ["model"] = _dir }).Steps.Single(s => s.StepId == "sft");
        Assert.Equal(_dir, sft.Model!.Source);
        Assert.Equal(PlanDtype.Bf16, sft.Model.Stored);
        var load = sft.Estimate!.Phases.Single(p => p.Name == "load");
        Assert.Equal(MemoryFormulas.ParameterCount(sft.Model.Config) * 2, load.Of(MemoryComponent.Other));
    }

    [Fact]
    public void MissingModelFolder_LeavesTheStepAndItsDescendantsUnplanned_SayingWhy()
    {
        var plan = Plan(Tiny, new() { ["model"] = "/models/nowhere" });
        var sft = plan.Steps.Single(s => s.StepId == "sft");
        Assert.Null(sft.Estimate);
        Assert.Equal("input 'model' = '/models/nowhere' is not a preset, a folder with config.json nor an earlier step's checkpoint on this machine", sft.Skipped);
        Assert.Equal("input 'init' comes from step 'sft', whose model is not known here", plan.Steps.Single(s => s.StepId == "rl").Skipped);
        Assert.Empty(plan.Problems(1));
    }

    [Fact]
    public void Problems_NameTheStepPeakAndWhatToLower()
    {
        var problems = Plan(Tiny).Problems(100L << 20);
        Assert.Equal(
            "step 'sft' needs an estimated 131.6 MiB at its peak (train) but the device has 100.0 MiB; " +
            "the largest part it can shrink is activations (12.8 MiB): lower batch_size or max_len (grad_accum keeps the effective batch), or set grad_checkpoint: true",
            problems[0]);
        Assert.Equal(3, problems.Count);
        Assert.Empty(Plan(Tiny).Problems(1L << 30));
    }
}
