using Bunit;
using T1.Ml.Steps;
using T1.Server.Portal.Designer;
using T1.Workflows.Authoring;
using T1.Workflows.Steps;

namespace T1.Server.Tests.Designer;

/// <summary>
/// The step form for the shipped ML steps (bUnit, a real <see cref="WorkflowEditor"/> on workflows/t1-tiny.yaml):
/// inputs grouped as their declarations say, pickers that offer only the right kind of artifact, needs without cycles.
/// </summary>
public sealed class DesignerFormTests : IDisposable
{
    private static readonly StepCatalog Shipped = StepCatalog.FromAssemblies(typeof(RlStep).Assembly);

    private readonly BunitContext _ctx = new();

    private static WorkflowEditor TinyEditor() =>
        new(Shipped, WorkflowYaml.Import(File.ReadAllText(Path.Combine(TestEnvironment.RepoRoot, "workflows", "t1-tiny.yaml"))));

    private static readonly string[] RlCommon =
        ["task", "prompts", "difficulty", "prompt_count", "steps", "prompts_per_step", "samples_per_prompt", "temperature", "max_new_tokens", "lr", "seed", "device"];

    [Fact]
    public void InputGroups_SplitRlAsDeclared_EveryInputInExactlyOneGroup()
    {
        var rl = Shipped.Find("rl")!;
        var groups = InputGroups.Of(rl);
        Assert.Equal([InputGroup.Required, InputGroup.Common, InputGroup.Advanced], groups.Select(g => g.Group));
        Assert.Equal(["init"], groups[0].Inputs.Select(i => i.Name));
        Assert.Equal(RlCommon, groups[1].Inputs.Select(i => i.Name));
        Assert.Equal(rl.Inputs.Count - 1 - RlCommon.Length, groups[2].Inputs.Count);
        Assert.Equal(rl.Inputs.Select(i => i.Name).Order(), groups.SelectMany(g => g.Inputs).Select(i => i.Name).Order());
        // A step with nothing advanced has no advanced group (promote: required and common only).
        Assert.Equal([InputGroup.Required, InputGroup.Common], InputGroups.Of(Shipped.Find("promote")!).Select(g => g.Group));
    }

    [Fact]
    public void StepForm_NewRlStep_ShowsRequiredAndCommon_AdvancedCollapsedUntilOpened()
    {
        var editor = TinyEditor();
        editor.Apply("add rl", d => d.AddStep(Shipped.Find("rl")!, out _, null));
        var id = editor.Document.Steps[^1].Id;
        var form = _ctx.Render<StepForm>(p => p.Add(x => x.Editor, editor).Add(x => x.StepId, id));

        Assert.Equal(["required", "common", "advanced"], form.FindAll(".input-group").Select(g => g.GetAttribute("data-group")));
        Assert.Equal(["init"], form.FindAll("[data-group='required'] [data-input]").Select(e => e.GetAttribute("data-input")));
        Assert.Equal(RlCommon, form.FindAll("[data-group='common'] [data-input]").Select(e => e.GetAttribute("data-input")));
        Assert.Empty(form.FindAll("[data-group='advanced'] [data-input]"));
        var advanced = Shipped.Find("rl")!.Inputs.Count - 1 - RlCommon.Length;
        Assert.Equal($"▸ advanced ({advanced})", form.Find("#toggle-advanced").TextContent);
        Assert.Equal("false", form.Find("#toggle-advanced").GetAttribute("aria-expanded"));
        // Run settings (queue, retry, cache, timeout) are collapsed too.
        Assert.Empty(form.FindAll("#step-queue"));

        form.Find("#toggle-advanced").Click();
        Assert.Equal(advanced, form.FindAll("[data-group='advanced'] [data-input]").Count);
        Assert.NotNull(form.Find("#input-kl_coef"));
        form.Find("#toggle-settings").Click();
        Assert.NotNull(form.Find("#step-queue"));
    }

    [Fact]
    public void StepForm_AdvancedInputsThatAreSet_AreShownWithoutOpening()
    {
        // t1-tiny's rl sets entropy_coef, kl_coef, anchor_ema, anchor_every and save_every: the group opens by itself.
        var form = _ctx.Render<StepForm>(p => p.Add(x => x.Editor, TinyEditor()).Add(x => x.StepId, "rl"));
        Assert.Equal("true", form.Find("#toggle-advanced").GetAttribute("aria-expanded"));
        Assert.Contains(", 5 set)", form.Find("#toggle-advanced").TextContent);
        Assert.Equal("0.02", form.Find("#input-kl_coef").GetAttribute("value"));
    }

    [Fact]
    public void StepForm_InitPicker_OffersTheCheckpointButNotTheDataset()
    {
        var form = _ctx.Render<StepForm>(p => p.Add(x => x.Editor, TinyEditor()).Add(x => x.StepId, "rl"));
        // synthesize (upstream of rl through sft) outputs an artifact too, but a dataset: not offered for a checkpoint input.
        Assert.Equal(["", "${{ steps.sft.outputs.checkpoint }}"], form.FindAll("#pick-init option").Select(o => o.GetAttribute("value")));
        var evaluate = _ctx.Render<StepForm>(p => p.Add(x => x.Editor, TinyEditor()).Add(x => x.StepId, "eval-rl"));
        Assert.Equal(["", "${{ steps.rl.outputs.checkpoint }}", "${{ steps.sft.outputs.checkpoint }}"],
            evaluate.FindAll("#pick-checkpoint option").Select(o => o.GetAttribute("value")).OrderBy(v => v, StringComparer.Ordinal));
        Assert.Equal(["", "${{ steps.eval-sft.outputs.report }}"], evaluate.FindAll("#pick-baseline option").Select(o => o.GetAttribute("value")));
    }

    [Fact]
    public void StepForm_Needs_OffersOnlyStepsThatKeepTheWorkflowAcyclic()
    {
        var form = _ctx.Render<StepForm>(p => p.Add(x => x.Editor, TinyEditor()).Add(x => x.StepId, "sft"));
        // Everything but synthesize is downstream of sft in t1-tiny.
        Assert.Equal(["synthesize"], form.FindAll("input[data-need]").Select(e => e.GetAttribute("data-need")));
        var rl = _ctx.Render<StepForm>(p => p.Add(x => x.Editor, TinyEditor()).Add(x => x.StepId, "rl"));
        Assert.Equal(["synthesize", "sft", "eval-sft", "promote-sft", "test-sft"], rl.FindAll("input[data-need]").Select(e => e.GetAttribute("data-need")));
    }

    public void Dispose() => _ctx.Dispose();
}
