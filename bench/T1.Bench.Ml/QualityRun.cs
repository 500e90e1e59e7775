using System.Diagnostics;
using System.Globalization;
using T1.Ml.Compute;
using T1.Ml.Model;
using T1.Ml.Sampling;
using T1.Ml.Synthesis;
using T1.Ml.Tasks;
using T1.Ml.Tokenization;
using T1.Ml.Training;
using TorchSharp;

namespace T1.Bench.Ml;

/// <summary>
/// The quality target of issue 3: synthesize (arithmetic) + SFT on a preset, then greedy decoding on the
/// held-out split, graded by the verifier. The same code path as the `synthesize` and `sft` steps
/// (TraceSynthesizer, BpeTrainer on the dataset, SftTrainer), timed end to end.
/// </summary>
public static class QualityRun
{
    public static async Task<int> RunAsync(Args a)
    {
        var task = a.Str("task", "arithmetic");
        int difficulty = a.Int("difficulty", 1), count = a.Int("count", 200), synthSeed = a.Int("synth-seed", 0);
        int attemptsMax = a.Int("attempts-max", 3);
        double firstTry = a.Num("first-try-share", 0.3);
        var preset = a.Str("model", "tiny");
        int vocab = a.Int("vocab-size", 512), threads = a.Int("threads", Environment.ProcessorCount);
        int evalCount = a.Int("eval-count", 1000), maxNew = a.Int("max-new-tokens", 256), evalEvery = a.Int("eval-every", 0);
        var options = new SftOptions
        {
            Epochs = a.Int("epochs", 3), LearningRate = a.Num("lr", 1e-3), BatchSize = a.Int("batch-size", 16),
            GradAccum = a.Int("grad-accum", 1), MaxLen = a.Int("max-len", 512), WarmupSteps = a.Int("warmup", 20),
            Seed = a.Int("seed", 0), SaveEvery = 0, LogEvery = a.Int("log-every", 20),
            WeightDecay = a.Num("weight-decay", 0.1), MinLrRatio = a.Num("min-lr-ratio", 0.1),
        };
        a.CheckAllUsed();

        var device = ComputeDevice.Initialize("cpu", options.Seed, threads);
        var total = Stopwatch.StartNew();
        var traces = new TraceSynthesizer(new SynthesisOptions { Seed = synthSeed, Difficulty = difficulty, AttemptsMax = attemptsMax, FirstTryCorrectShare = firstTry })
            .SynthesizeTask(task, count).ToList();
        var examples = traces.Select(t => new SftExample(t.Prompt, t.Response)).ToList();
        var tokenizer = BpeTrainer.Train(examples.SelectMany(e => new[] { ChatFormat.PromptText(e.Prompt), e.Response }), vocab);
        var data = SftData.Encode(examples, tokenizer, options.MaxLen);
        torch.manual_seed(options.Seed);
        using var model = DecoderLM.Create(ModelConfig.Preset(preset, tokenizer.VocabSize), device.Device);
        var problems = HeldOut(task, difficulty, evalCount);
        var trainer = new SftTrainer(model, tokenizer, options)
        {
            OnMetrics = m =>
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  step {m.Step,5}/{m.TotalSteps} epoch {m.Epoch,6:F2} loss {m.Loss,7:F4} lr {m.LearningRate:E2} grad_norm {m.GradNorm,6:F3} tokens/s {m.TokensPerSecond,8:F0}"));
                if (evalEvery > 0 && m.Step % evalEvery == 0 && m.Step < m.TotalSteps)
                {
                    var (c, parsed, _) = Evaluate(model, tokenizer, problems, maxNew);
                    Console.WriteLine($"  held-out at step {m.Step}: accuracy {100.0 * c / problems.Count:F1}%, parsable {100.0 * parsed / problems.Count:F1}%");
                }
            },
        };
        Console.WriteLine($"{task} d{difficulty}: {examples.Count} traces ({data.Tokens} tokens, {data.TargetTokens} response tokens, mean {data.Tokens / (double)data.Examples.Count:F1}/example, {data.TooLong} longer than max_len, left out), " +
            $"tokenizer {tokenizer.VocabSize} ids, model {preset} {model.ParameterCount:N0} params, {trainer.TotalSteps(data)} steps, {device}");
        var outDir = Directory.CreateTempSubdirectory("t1-bench-quality-").FullName;
        try
        {
            var result = await trainer.TrainAsync(data, outDir);
            var trainSeconds = total.Elapsed.TotalSeconds;
            var (correct, parsable, evalSeconds) = Evaluate(model, tokenizer, problems, maxNew);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"RESULT held-out {problems.Count} problems: accuracy {100.0 * correct / problems.Count:F1}% ({correct}), parsable {100.0 * parsable / problems.Count:F1}% ({parsable}); " +
                $"final loss {result.FinalLoss:F4}; synth+tokenizer+train {trainSeconds:F0} s, eval {evalSeconds:F0} s, total {total.Elapsed.TotalSeconds:F0} s wall, " +
                $"{Process.GetCurrentProcess().TotalProcessorTime.TotalMinutes:F1} CPU-minutes ({threads} threads)"));
        }
        finally
        {
            Directory.Delete(outDir, recursive: true);
        }
        return 0;
    }

    /// <summary>All distinct held-out (test split) problems among the first draws of the generator, at most <paramref name="max"/>.</summary>
    public static IReadOnlyList<Problem> HeldOut(string task, int difficulty, int max, int seed = 12345)
    {
        var source = TaskRegistry.Create(task, new TaskOptions { Difficulty = difficulty });
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return source.Problems(seed).Take(200_000).Where(p => ProblemSets.SplitOf(p) == ProblemSplit.Test && seen.Add(p.Canonical)).Take(max).ToList();
    }

    /// <summary>Greedy decoding (temperature 0) of every prompt in <see cref="ChatFormat"/>, graded by <see cref="ResponseGrader"/>.</summary>
    public static (int Correct, int Parsable, double Seconds) Evaluate(DecoderLM model, ITextTokenizer tokenizer, IReadOnlyList<Problem> problems, int maxNew, int batch = 64)
    {
        var clock = Stopwatch.StartNew();
        var sampler = new Sampler(model, tokenizer);
        int correct = 0, parsable = 0;
        foreach (var chunk in problems.Chunk(batch))
        {
            var prompts = chunk.Select(p => (IReadOnlyList<int>)ChatFormat.EncodePrompt(tokenizer, p.Prompt)).ToList();
            var outputs = sampler.Generate(prompts, new SamplingOptions { Temperature = 0, MaxNewTokens = maxNew });
            for (int i = 0; i < chunk.Length; i++)
            {
                var verdict = ResponseGrader.Grade(chunk[i], ResponseGrader.Text(tokenizer, outputs[i].Tokens));
                if (verdict.Extracted is not null) parsable++;
                if (verdict.IsCorrect) correct++;
            }
        }
        return (correct, parsable, clock.Elapsed.TotalSeconds);
    }
}
