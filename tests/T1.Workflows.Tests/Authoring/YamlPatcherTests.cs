using System.Text.Json.Nodes;
using T1.Workflows.Authoring;
using static T1.Workflows.Tests.Authoring.AuthoringTestKit;

namespace T1.Workflows.Tests.Authoring;

/// <summary>Whatever the layout of the file, the patched text reads back as the edited document.</summary>
public class YamlPatcherTests
{
    private const string Commented =
        "name: a\nsteps:\n- id: one\n  # about uses\n  uses: echo\n  with:\n    message: hi\n- id: two\n  uses: echo\n  with: {message: x}\n# the end\n";

    public static TheoryData<string> Layouts() => new()
    {
        // Indentless list, comments between keys, a trailing comment.
        Commented,
        // Steps as flow mappings.
        "name: a\nsteps:\n  - { id: one, uses: echo, with: { message: hi } }\n  - { id: two, uses: echo, with: { message: x } }\n",
        // The whole list in flow style, with a multi-line block scalar elsewhere.
        "name: a\ndescription: |\n  line one\n  line two\nsteps: [ { id: one, uses: echo, with: { message: hi } }, { id: two, uses: echo, with: { message: x } } ]\n",
        // Anchors and aliases: written afresh.
        "name: a\nparams: { m: &m hi }\nsteps:\n  - id: one\n    uses: echo\n    with: { message: *m }\n  - id: two\n    uses: echo\n    with: { message: x }\n",
        // Deeper indentation, retry in short form, no final newline.
        "name: a\nsteps:\n    -   id: one\n        uses: echo\n        retry: 3\n        with:\n            message: hi\n    -   id: two\n        uses: echo\n        with:\n            message: x",
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void EveryEdit_ReadsBackAsTheEditedDocument(string yaml)
    {
        var doc = WorkflowYaml.Import(yaml);
        Assert.Equal(["one", "two"], doc.Steps.Select(s => s.Id));
        WorkflowDocument[] edits =
        [
            doc.SetInput("one", "message", JsonValue.Create("changed: now")),
            doc.Connect("one", "two"),
            doc.RenameStep("one", "first"),
            doc.DeleteStep("one"),
            doc.DeleteStep("two"),
            doc.UpdateStep("one", s => s with { Retry = new RetrySetting(2, "5s"), Timeout = "1m", Cache = false, Queue = "gpu" }),
            doc.AddStep(Type("sleep"), out _).Connect("two", "sleep"),
            doc with { Name = "b", Description = "new", Schedule = "0 3 * * *" },
            doc.SetParam("p", JsonValue.Create(1)),
            doc with { Steps = [doc.Steps[1], doc.Steps[0]] },
        ];
        foreach (var edited in edits)
        {
            var written = WorkflowYaml.Write(edited);
            var back = WorkflowYaml.Import(written);
            Assert.Equal(WorkflowYaml.WriteFresh(edited), WorkflowYaml.WriteFresh(back));
            Assert.Equal(written, WorkflowYaml.Write(back));
        }
    }

    [Fact]
    public void CommentsOnUntouchedLines_Survive()
    {
        var written = WorkflowYaml.Write(WorkflowYaml.Import(Commented).SetInput("two", "message", JsonValue.Create("y")));
        Assert.Contains("  # about uses\n", written);
        Assert.EndsWith("# the end\n", written);
    }

    [Fact]
    public void NewKey_GoesBeforeTheBlankAndCommentLinesThatFollowThePreviousKey()
    {
        const string yaml = "name: a\ndescription: d\n\n# steps below\nsteps:\n  - id: x\n    uses: echo\n    with: {message: m}\n";
        var written = WorkflowYaml.Write(WorkflowYaml.Import(yaml) with { Schedule = "0 3 * * *" });
        Assert.Equal("name: a\ndescription: d\nschedule: \"0 3 * * *\"\n\n# steps below\nsteps:\n  - id: x\n    uses: echo\n    with: {message: m}\n", written);
    }
}
