namespace T1.Cli.Tests.Commands;

/// <summary>`t1 plan` and the memory check of `t1 run`, as a user runs them.</summary>
public sealed class PlanCommandTests : IDisposable
{
    private readonly Cli _cli = new();

    public void Dispose() => _cli.Dispose();

    // A small-preset SFT: activations 64 rows × 1023 positions × 61 360 elements × 4 B = 15.0 GiB, logits in chunks of 8192 positions: 4 × 8192 × 4096 × 4 B + V·C·8 + 65 472 × C × 4 = 619.9 MiB.
    private const string Workflow = """
        name: plan-cli
        params: { batch: 64 }
        steps:
          - id: synth
            uses: synthesize
            with: { task: linear, count: 10 }
          - id: sft
            uses: sft
            needs: [synth]
            with: { dataset: "${{ steps.synth.outputs.dataset }}", model: small, vocab_size: 4096, batch_size: "${{ params.batch }}", max_len: 1024, device: cpu }
        """;

    private const string TooBig =
        "error: step 'sft' needs an estimated 16.2 GiB at its peak (train) but the device has 8.0 GiB; " +
        "the largest part it can shrink is activations (15.0 GiB): lower batch_size or max_len (grad_accum keeps the effective batch), or set grad_checkpoint: true";

    [Fact]
    public async Task Plan_StepThatCannotFit_Exits2_NamingItAndWhatToLower()
    {
        var file = _cli.Write("plan.yaml", Workflow);
        var (exit, output, err) = await _cli.RunAsync("plan", file, "--device-memory", "8GiB");
        Assert.Equal(2, exit);
        Assert.Equal(TooBig, err.Trim());
        Assert.Contains("memory plan of plan-cli for a device of 8.0 GiB (--device-memory)", output);
        Assert.Matches(@"sft\s+train\s+.*16\.2 GiB\s+no \(202%\)", output);
    }

    [Fact]
    public async Task Plan_SmallerBatch_Fits_AndExitsZero()
    {
        var file = _cli.Write("plan.yaml", Workflow);
        var (exit, output, err) = await _cli.RunAsync("plan", file, "--device-memory", "8GiB", "--param", "batch=8", "-v");
        Assert.True(exit == 0, output + err);
        Assert.Matches(@"sft\s+train\s+.*yes \(\d+%\)", output);
        Assert.Contains("8 rows × 1023 positions × 245,440 B saved per token", output);
    }

    [Fact]
    public async Task Plan_BadDeviceMemory_Exits2_SayingHowToWriteIt()
    {
        var file = _cli.Write("plan.yaml", Workflow);
        var (exit, _, err) = await _cli.RunAsync("plan", file, "--device-memory", "80G");
        Assert.Equal(2, exit);
        Assert.Equal("error: --device-memory: '80G' has an unknown unit 'G'; use KiB, MiB, GiB, TiB (1024) or KB, MB, GB, TB (1000)", err.Trim());
    }

    [Fact]
    public async Task Run_RefusesAWorkflowThatCannotFit_BeforeStoringIt()
    {
        var file = _cli.Write("plan.yaml", Workflow);
        var (exit, _, err) = await _cli.RunAsync("run", file, "--device-memory", "8GiB");
        Assert.Equal(2, exit);
        Assert.Contains(TooBig, err);
        Assert.Contains("error: the memory plan of 'plan-cli' has 1 step(s) that cannot fit 8.0 GiB (--device-memory); nothing was stored or run. " +
            "Change the inputs named above, or run anyway with --no-plan-check (or T1__Plan__Check=false).", err);
        Assert.False(File.Exists(Path.Combine(_cli.WorkDir, ".t1", "t1.db")));
    }
}
