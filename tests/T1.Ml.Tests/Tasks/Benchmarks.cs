namespace T1.Ml.Tests.Tasks;

/// <summary>Locates the benchmark files kept in the repository (data/benchmarks, beside T1.Platform.sln).</summary>
internal static class Benchmarks
{
    public static string PathOf(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "T1.Platform.sln"))) continue;
            var path = Path.Combine(dir.FullName, "data", "benchmarks", file);
            return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is missing: the benchmark files are part of the repository (data/benchmarks/README.md)");
        }
        throw new FileNotFoundException($"no T1.Platform.sln above {AppContext.BaseDirectory}: run the tests from a clone of the repository");
    }
}
