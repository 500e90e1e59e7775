using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using T1.Bench.Ml;
using T1.Server.Hosting;
using T1.Server.Serving;
using T1.Storage.Artifacts;
using T1.Workflows.Engine;
using T1.Workflows.Registry;

namespace T1.Bench.Serve;

/// <summary>
/// Total generated tokens/s of <c>--concurrent</c> streaming requests at once against the same requests one at a
/// time, on one model of one `t1 serve --models-only` host (this process, loopback HTTP, embedded storage), and the
/// time to first token under the concurrent load. Every request decodes exactly <c>--tokens</c> tokens (ignore_eos).
/// With <c>--repeat</c> N the two loads alternate N times and each figure is the best of its N rounds. The model is a
/// preset (<c>--model</c>) or a Hugging Face config's shape (<c>--config</c>, <c>--dtype</c>), random weights (<see cref="BenchModel"/>).
/// </summary>
public static class ServeLoad
{
    public static async Task<int> RunAsync(Args a)
    {
        var model = BenchModel.FromArgs(a);
        int concurrent = a.Int("concurrent", 16), tokens = a.Int("tokens", 128);
        int sequential = a.Int("sequential", 4), threads = a.Int("threads", 0), repeat = a.Int("repeat", 1), warmup = a.Int("warmup", 2);
        var heap = a.Str("heap", ""); // blank: the serving host's default (NativeHeap.ServingDefault)
        a.CheckAllUsed();
        if (threads > 0) TorchSharp.torch.set_num_threads(threads); // 0: libtorch's default (one a core), as a serving host leaves it
        threads = TorchSharp.torch.get_num_threads();

        var dir = Directory.CreateTempSubdirectory("t1-bench-serve-").FullName;
        var options = new T1Options { DataDirectory = dir };
        options.Serving.Device = "cpu";
        options.Serving.MaxBatch = Math.Max(32, concurrent);
        options.Serving.Dtype = model.ServingDtype;
        options.Compute.NativeHeap = heap;
        ConfigurationLoader.Normalise(options);
        await using var app = ServingApp.Build(options, "http://127.0.0.1:0", l => l.ClearProviders());
        await app.StartAsync();
        var address = app.Urls.First();
        var (manifest, _) = await ArtifactManifest.PutDirectoryAsync(app.Services.GetRequiredService<ArtifactStore>(), model.Save(Path.Combine(dir, "model")), default);
        await app.Services.GetRequiredService<ModelRegistry>().PromoteAsync(new PromotionCandidate("bench", "bench", manifest.Sha256, null,
            new Dictionary<int, double> { [1] = 0 }, null, null), PromotionRule.Parse("accuracy"), 0);
        using var http = new HttpClient { BaseAddress = new Uri(address), Timeout = TimeSpan.FromMinutes(30) };
        Console.WriteLine($"Serving load · model {model.Describe()} · {tokens} tokens a request (ignore_eos), temperature 1 · torch threads {threads} · {Environment.ProcessorCount} cores · native heap {T1.Ml.Compute.NativeHeap.Applied}");

        await StreamAsync(http, 0, 8); // warm-up: loads the model
        // Warm-up of both loads, untimed: the first seconds of a process JIT-compile and re-compile (tiered, with
        // profile-guided recompiles) the server's, the client's and the engine's code on the same cores; measured,
        // they made whichever load ran first look slow.
        for (int i = 0; i < warmup; i++)
        {
            await StreamAsync(http, 1000 + i, tokens);
            await Task.WhenAll(Enumerable.Range(0, concurrent).Select(j => StreamAsync(http, 2000 + j, tokens)));
        }
        // Rounds alternate the two loads and each keeps its best round, so that a moment of contention on a shared
        // machine hits one round of each rather than one of the two measurements.
        List<Result> alone = [];
        Result[] together = [];
        double aloneSeconds = double.MaxValue, togetherSeconds = double.MaxValue;
        for (int round = 0; round < repeat; round++)
        {
            var clock = Stopwatch.StartNew();
            var one = new List<Result>();
            for (int i = 0; i < sequential; i++) one.Add(await StreamAsync(http, i, tokens));
            if (clock.Elapsed.TotalSeconds < aloneSeconds) (alone, aloneSeconds) = (one, clock.Elapsed.TotalSeconds);
            clock.Restart();
            var all = await Task.WhenAll(Enumerable.Range(0, concurrent).Select(i => StreamAsync(http, 100 + i, tokens)));
            if (clock.Elapsed.TotalSeconds < togetherSeconds) (together, togetherSeconds) = (all, clock.Elapsed.TotalSeconds);
        }

        double aloneRate = alone.Sum(r => r.Tokens) / aloneSeconds, togetherRate = together.Sum(r => r.Tokens) / togetherSeconds;
        if (repeat > 1) Console.WriteLine($"best of {repeat} alternating rounds each; the TTFTs are the best concurrent round's");
        Console.WriteLine($"prompts of {together.Min(r => r.PromptTokens)}–{together.Max(r => r.PromptTokens)} tokens (the chat template's)");
        var ttft = together.Select(r => r.FirstTokenSeconds * 1000).Order().ToArray();
        var ttftAlone = alone.Select(r => r.FirstTokenSeconds * 1000).Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT one at a time: {sequential} requests, {alone.Sum(r => r.Tokens)} tokens in {aloneSeconds:F2} s = {aloneRate:F0} tokens/s · TTFT p50 {Percentile(ttftAlone, 0.5):F1} ms"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT {concurrent} concurrent: {together.Sum(r => r.Tokens)} tokens in {togetherSeconds:F2} s = {togetherRate:F0} tokens/s ({togetherRate / aloneRate:F1}× one at a time) · TTFT p50 {Percentile(ttft, 0.5):F1} ms, p99 {Percentile(ttft, 0.99):F1} ms"));
        // What each request pays before it reaches the engine: the registry lookup of its model name (a database
        // query, so that a promotion takes effect at once) and the loaded engine's lookup; the best of 3 × 200 calls.
        var served = app.Services.GetRequiredService<ServedModels>();
        double lookup = double.MaxValue;
        for (int r = 0; r < 3; r++)
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < 200; i++) await served.EngineAsync(await served.ResolveAsync("bench", default), default);
            lookup = Math.Min(lookup, clock.Elapsed.TotalMicroseconds / 200);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RESULT model lookup a request (registry + loaded engine): {lookup:F0} µs · {concurrent} of them = {concurrent * lookup / 1e3:F1} ms of the {togetherSeconds * 1e3:F0} ms concurrent window"));
        await app.StopAsync();
        try { Directory.Delete(dir, true); } catch (IOException) { }
        return 0;
    }

    private sealed record Result(int Tokens, double FirstTokenSeconds, int PromptTokens);

    private static async Task<Result> StreamAsync(HttpClient http, int seed, int tokens)
    {
        var clock = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/chat/completions")
        {
            Content = JsonContent.Create(new
            {
                model = "bench", messages = new[] { new { role = "user", content = $"Compute {seed % 37}+{seed % 11}." } },
                max_tokens = tokens, temperature = 1, seed, ignore_eos = true, stream = true, stream_options = new { include_usage = true },
            }),
        };
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        double first = double.NaN;
        int generated = 0, promptTokens = 0;
        while (await reader.ReadLineAsync() is { } line)
        {
            // The client shares the machine with the server: it looks for text in each chunk without parsing it, and
            // parses only the chunk with the usage (the server writes compact JSON, so the patterns are exact).
            if (!line.StartsWith("data: {", StringComparison.Ordinal)) continue;
            if (double.IsNaN(first) && HasText(line)) first = clock.Elapsed.TotalSeconds;
            if (line.Contains("\"usage\":{", StringComparison.Ordinal) && JsonNode.Parse(line[6..])!["usage"] is JsonObject usage)
                (generated, promptTokens) = (usage["completion_tokens"]!.GetValue<int>(), usage["prompt_tokens"]!.GetValue<int>());
        }
        if (generated != tokens) throw new InvalidOperationException($"request {seed} generated {generated} tokens, not {tokens}");
        return new Result(generated, double.IsNaN(first) ? clock.Elapsed.TotalSeconds : first, promptTokens);
    }

    /// <summary>A chunk with thinking or non-empty answer text (the first chunk of a choice has an empty <c>content</c>).</summary>
    private static bool HasText(string line)
    {
        if (line.Contains("\"reasoning_content\":\"", StringComparison.Ordinal)) return true;
        int at = line.IndexOf("\"content\":\"", StringComparison.Ordinal);
        return at >= 0 && at + 11 < line.Length && line[at + 11] != '"';
    }

    private static double Percentile(double[] sorted, double p) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
