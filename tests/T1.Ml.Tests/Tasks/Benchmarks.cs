namespace T1.Ml.Tests.Tasks;

/// <summary>Locates the read-only benchmark folder beside the repository (../shared/data/benchmarks).</summary>
internal static class Benchmarks
{
    public static string PathOf(string file)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "shared", "data", "benchmarks", file);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"{file} not found in shared/data/benchmarks above {AppContext.BaseDirectory}");
    }
}
