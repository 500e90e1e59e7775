using T1.Workflows.Authoring;
using T1.Workflows.Steps;
using T1.Workflows.Tests.Definitions;

namespace T1.Workflows.Tests.Authoring;

/// <summary>Documents and editors shared by the designer-model tests.</summary>
internal static class AuthoringTestKit
{
    /// <summary>Built-ins plus the test step types (synthesize → dataset/count/summary, sft → checkpoint/loss/converged).</summary>
    public static StepCatalog Catalog => DefinitionsTestKit.Catalog;

    public static StepTypeDescriptor Type(string name) => Catalog.Find(name) ?? throw new ArgumentException(name);

    /// <summary>synth → sft → report(echo), and an unrelated echo 'other'.</summary>
    public const string Chain = """
        name: chain
        steps:
          - id: synth
            uses: synthesize
            with: { count: 10 }
          - id: sft
            uses: sft
            needs: [synth]
            with:
              dataset: "${{ steps.synth.outputs.dataset }}"
          - id: report
            uses: echo
            needs: [sft]
            with:
              message: "loss ${{ steps.sft.outputs.loss }}"
          - id: other
            uses: echo
            with:
              message: hi
        """;

    public static WorkflowEditor Editor(string yaml = Chain) => new(Catalog, WorkflowYaml.Import(yaml));

    public static string ShippedWorkflow(string file) =>
        File.ReadAllText(Path.Combine(DefinitionsTestKit.RepoRoot, "workflows", file));

    /// <summary>Lines of <paramref name="after"/> that are not at the same place in <paramref name="before"/> (a crude line diff).</summary>
    public static (string[] Removed, string[] Added) Diff(string before, string after)
    {
        var a = before.Split('\n');
        var b = after.Split('\n');
        var prefix = 0;
        while (prefix < a.Length && prefix < b.Length && a[prefix] == b[prefix]) prefix++;
        var suffix = 0;
        while (suffix < a.Length - prefix && suffix < b.Length - prefix && a[^(suffix + 1)] == b[^(suffix + 1)]) suffix++;
        return (a[prefix..(a.Length - suffix)], b[prefix..(b.Length - suffix)]);
    }
}
