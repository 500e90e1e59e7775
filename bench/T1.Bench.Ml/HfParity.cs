using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using T1.Ml.Checkpoints;
using T1.Ml.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Bench.Ml;

/// <summary>
/// Logits of a Hugging Face folder (e.g. one written by hf-folder in Qwen2.5-0.5B's shape) against the
/// independent PyTorch reference bench/py/qwen2_reference.py, on a ChatML prompt batch with one left-padded
/// row: the parity test's check (tests/T1.Ml.Tests/Model/HfParityTests.cs) at a real checkpoint's shape.
/// <code>
/// dotnet run -c Release --project bench/T1.Bench.Ml -- parity --model /tmp/qwen05
/// </code>
/// </summary>
public static class HfParity
{
    public static Task<int> RunAsync(Args a)
    {
        var folder = a.Str("model", "");
        int threads = a.Int("threads", 1);
        a.CheckAllUsed();
        if (folder.Length == 0) throw new ArgumentException("parity needs --model FOLDER");
        torch.set_num_threads(threads);

        var clock = Stopwatch.StartNew();
        using var loaded = Checkpoint.Load(folder, CPU);
        var tokenizer = loaded.Tokenizer ?? throw new ArgumentException($"{folder} has no tokenizer");
        string[] prompts =
        [
            "Find all real x such that x^2 - 5x + 6 = 0. Put the final answer in \\boxed{}.",
            "What is 12 + 35?",
        ];
        var rows = prompts.Select(p => ChatFormat.EncodePrompt(tokenizer, p)).ToArray();
        int T = rows.Max(r => r.Length);
        var ids = rows.Select(r => Enumerable.Repeat((long)tokenizer.Special.Pad, T - r.Length).Concat(r.Select(i => (long)i)).ToArray()).ToArray();
        var mask = rows.Select(r => Enumerable.Repeat(0L, T - r.Length).Concat(Enumerable.Repeat(1L, r.Length)).ToArray()).ToArray();
        var loadSeconds = clock.Elapsed.TotalSeconds;

        clock.Restart();
        using var _ = no_grad();
        var x = tensor(ids.SelectMany(r => r).ToArray()).view(ids.Length, -1);
        var real = tensor(mask.SelectMany(r => r).ToArray()).view(ids.Length, -1).to(ScalarType.Bool);
        var ours = loaded.Model.Forward(x, valid: real); // (B, T, V)
        var oursSeconds = clock.Elapsed.TotalSeconds;

        var work = Directory.CreateTempSubdirectory("t1-parity-").FullName;
        try
        {
            clock.Restart();
            var inputs = Path.Combine(work, "inputs.json");
            File.WriteAllText(inputs, new JsonObject { ["input_ids"] = Json(ids), ["attention_mask"] = Json(mask) }.ToJsonString());
            var logitsFile = Path.Combine(work, "logits.safetensors");
            var cases = Path.Combine(work, "cases.json");
            File.WriteAllText(cases, new JsonArray(new JsonObject { ["model"] = Path.GetFullPath(folder), ["inputs"] = inputs, ["output"] = logitsFile }).ToJsonString());
            RunPython(Path.Combine("bench", "py", "qwen2_reference.py"), cases);
            using var reference = Safetensors.Read(logitsFile)["logits"];
            var diff = (ours - reference).abs().amax(-1).masked_select(real).max().item<float>();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"parity {folder}: {loaded.Model.Config} · batch {ids.Length} × {T} tokens (row lengths {string.Join(", ", rows.Select(r => r.Length))}, left-padded, ChatML) · " +
                $"max |logits - reference| at real tokens {diff:E2} (max |logit| {reference.abs().max().item<float>():F3}) · " +
                $"load {loadSeconds:F0} s, forward {oursSeconds:F1} s, reference {clock.Elapsed.TotalSeconds:F0} s"));
            return Task.FromResult(diff <= 1e-4 ? 0 : 1);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    private static void RunPython(string script, string cases)
    {
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardError = true };
        psi.ArgumentList.Add(script);
        psi.ArgumentList.Add(cases);
        psi.Environment["OPENBLAS_NUM_THREADS"] = "1";
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new ArgumentException($"{script} failed: {err}");
    }

    private static JsonArray Json(long[][] rows) => new(rows.Select(r => (JsonNode)new JsonArray(r.Select(v => (JsonNode)v).ToArray())).ToArray());
}
