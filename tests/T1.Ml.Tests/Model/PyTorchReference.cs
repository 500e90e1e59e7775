using System.Diagnostics;
using System.Text.Json.Nodes;
using T1.Ml.Checkpoints;
using static TorchSharp.torch;

namespace T1.Ml.Tests.Model;

/// <summary>
/// Runs bench/py/qwen2_reference.py (Debian's python3-torch, one thread) over model folders and inputs and
/// reads back its logits. Fails, saying how to install it, when python3-torch is missing: the parity tests
/// must not silently skip (scripts/test.sh installs it).
/// </summary>
internal static class PyTorchReference
{
    public const string Python = "/usr/bin/python3";

    public static string Script => Path.Combine(RepoRoot, "bench", "py", "qwen2_reference.py");

    public static string RepoRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "T1.Platform.sln"))) return dir.FullName;
            }
            throw new InvalidOperationException("no T1.Platform.sln above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>Logits (B, T, V) of each (model folder, input ids, attention mask) case, in order.</summary>
    public static IReadOnlyList<Tensor> Logits(string work, IReadOnlyList<(string Model, long[][] Ids, long[][] Mask)> cases)
    {
        var list = new JsonArray();
        for (int i = 0; i < cases.Count; i++)
        {
            var (model, ids, mask) = cases[i];
            var inputs = Path.Combine(work, $"inputs-{i}.json");
            File.WriteAllText(inputs, new JsonObject
            {
                ["input_ids"] = ToJson(ids),
                ["attention_mask"] = ToJson(mask),
            }.ToJsonString());
            list.Add(new JsonObject { ["model"] = model, ["inputs"] = inputs, ["output"] = Path.Combine(work, $"logits-{i}.safetensors") });
        }
        var casesFile = Path.Combine(work, "cases.json");
        File.WriteAllText(casesFile, list.ToJsonString());
        Run(Script, casesFile);
        return Enumerable.Range(0, cases.Count)
            .Select(i => Safetensors.Read(Path.Combine(work, $"logits-{i}.safetensors"))["logits"]).ToList();
    }

    private static void Run(params string[] args)
    {
        if (!File.Exists(Python))
            throw new InvalidOperationException($"{Python} is missing: the Hugging Face parity tests need Debian's python3 with python3-torch (apt-get install python3-torch, or run scripts/test.sh, which installs it).");
        var psi = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["OPENBLAS_NUM_THREADS"] = "1";
        psi.Environment["OMP_NUM_THREADS"] = "1";
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (stderr.Contains("No module named 'torch'", StringComparison.Ordinal))
            throw new InvalidOperationException("python3-torch is missing: the Hugging Face parity tests compare with PyTorch (apt-get install python3-torch, or run scripts/test.sh, which installs it).");
        if (p.ExitCode != 0)
            throw new InvalidOperationException($"{Path.GetFileName(args[0])} exited with {p.ExitCode}: {stderr}{stdout.Result}");
    }

    private static JsonArray ToJson(long[][] rows) =>
        new(rows.Select(r => (JsonNode)new JsonArray(r.Select(v => (JsonNode)v).ToArray())).ToArray());
}
