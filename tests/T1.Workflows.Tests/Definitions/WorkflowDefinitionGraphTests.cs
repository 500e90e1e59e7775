namespace T1.Workflows.Tests.Definitions;

public class WorkflowDefinitionGraphTests
{
    private const string Diamond = """
        name: diamond
        steps:
          - id: d
            uses: echo
            needs: [b, c]
            with: { message: d }
          - id: c
            uses: echo
            needs: a
            with: { message: c }
          - id: b
            uses: echo
            needs: a
            with: { message: b }
          - id: a
            uses: echo
            with: { message: a }
          - id: lone
            uses: echo
            with: { message: lone }
        """;

    [Fact]
    public void TopologicalOrder_PutsNeedsFirst_AndBreaksTiesByFileOrder()
    {
        var def = DefinitionsTestKit.LoadValid(Diamond);
        // Among the steps ready at each point, the earliest in the file goes first.
        Assert.Equal(["a", "c", "b", "d", "lone"], def.TopologicalOrder().Select(s => s.Id));
    }

    [Fact]
    public void Dependents_AreTransitive_AndExcludeTheStepItself()
    {
        var def = DefinitionsTestKit.LoadValid(Diamond);
        Assert.Equal(["b", "c", "d"], def.Dependents("a").Order());
        Assert.Equal(["d"], def.Dependents("b"));
        Assert.Empty(def.Dependents("d"));
        Assert.Empty(def.Dependents("lone"));
    }

    [Fact]
    public void FindStep_ReturnsNull_ForAnUnknownId()
    {
        var def = DefinitionsTestKit.LoadValid(Diamond);
        Assert.Null(def.FindStep("zz"));
        Assert.Throws<ArgumentException>(() => def.Dependents("zz"));
    }
}
