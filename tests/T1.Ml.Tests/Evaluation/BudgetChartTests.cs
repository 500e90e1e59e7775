using T1.Ml.Evaluation;

namespace T1.Ml.Tests.Evaluation;

public sealed class BudgetChartTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("t1-chart-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    internal static void AssertPng(string path)
    {
        Assert.True(File.Exists(path), $"no chart at {path}");
        var bytes = File.ReadAllBytes(path);
        Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, bytes.Take(8));
        Assert.True(bytes.Length > 5_000, $"chart is only {bytes.Length} bytes");
    }

    private static EvaluationReport Report(string label, params double[] accuracies) => new()
    {
        Label = label, Dataset = "arithmetic (held-out)", Problems = 50, Samples = 1,
        Budgets = accuracies.Select((a, i) => new BudgetResult { Budget = 16 << i, Accuracy = a }).ToList(),
    };

    [Fact]
    public void Chart_RendersHeadless_AsAPng()
    {
        var path = Path.Combine(_root, EvaluationReport.ChartFileName);
        BudgetChart.Write(path, Report("rl", 0.1, 0.3, 0.5, 0.6));
        AssertPng(path);
    }

    [Fact]
    public void Chart_CanCompareSeveralModels()
    {
        var path = Path.Combine(_root, "compare.png");
        BudgetChart.Write(path, [("sft", Report("sft", 0.1, 0.2, 0.3)), ("rl", Report("rl", 0.2, 0.4, 0.6))], "SFT vs RL");
        AssertPng(path);
        Assert.Throws<ArgumentException>(() => BudgetChart.Write(path, []));
    }
}
