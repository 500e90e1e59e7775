using T1.Workflows.Definitions;
using T1.Workflows.Steps;

namespace T1.Workflows.Tests.Definitions;

/// <summary>Catalogs, fixture paths and a loader shorthand shared by the definitions tests.</summary>
internal static class DefinitionsTestKit
{
    /// <summary>What workflows/*.yaml is validated against: the catalog the server and CLI compose (built-ins and the ML step types).</summary>
    public static readonly StepCatalog Shipped = StepCatalog.FromAssemblies(typeof(T1.Ml.MlAssembly).Assembly);

    /// <summary>The built-ins plus the test step types (synthesize, sft).</summary>
    public static readonly StepCatalog Catalog = StepCatalog.FromAssemblies(typeof(TestSftStep).Assembly);

    /// <summary>The built-in step types only (echo, fail, sleep).</summary>
    public static readonly StepCatalog BuiltIns = StepCatalog.FromAssemblies();

    public static string RepoRoot { get; } = FindRepoRoot();

    public static string FixturesDirectory
    {
        get
        {
            var copied = Path.Combine(AppContext.BaseDirectory, "Definitions", "Fixtures");
            return Directory.Exists(copied) ? copied
                : Path.Combine(RepoRoot, "tests", "T1.Workflows.Tests", "Definitions", "Fixtures");
        }
    }

    public static WorkflowLoadResult Load(string yaml, StepCatalog? catalog = null) =>
        WorkflowLoader.Load(yaml, "test.yaml", catalog ?? Catalog);

    public static WorkflowDefinition LoadValid(string yaml)
    {
        var result = Load(yaml);
        Assert.True(result.Definition is not null, string.Join("\n", result.Diagnostics));
        return result.Definition!;
    }

    /// <summary>The diagnostics of an invalid workflow, as printed.</summary>
    public static string[] Errors(string yaml, StepCatalog? catalog = null)
    {
        var result = Load(yaml, catalog);
        Assert.Null(result.Definition);
        return result.Diagnostics.Select(d => d.ToString()).ToArray();
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "T1.Platform.sln"))) return dir.FullName;
        throw new InvalidOperationException($"No T1.Platform.sln above {AppContext.BaseDirectory}.");
    }
}
