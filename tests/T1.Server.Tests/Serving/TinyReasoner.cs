using T1.Ml.Checkpoints;
using T1.Ml.Model;
using T1.Ml.Tokenization;
using T1.Server.Tests.Portal;
using T1.Storage.Artifacts;
using T1.Workflows.Engine;
using T1.Workflows.Registry;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Server.Tests.Serving;

/// <summary>
/// A micro model that has memorised two T1 traces (a few seconds of training, once per test run), saved as a
/// checkpoint folder with its tokenizer, plus an untrained model of the same shape that rambles until its limit.
/// </summary>
public static class TinyReasoner
{
    public static string Trace(string expression, string answer) =>
        $"<think>\nTry: {expression}={answer}.\nCheck: {expression}={answer}, correct.\n</think>\nFinal answer: \\boxed{{{answer}}}";

    private static readonly Lazy<(string Trained, string Untrained, BpeTextTokenizer Tokenizer)> Folders = new(Build);

    /// <summary>Checkpoint folder of the memorised model.</summary>
    public static string Trained => Folders.Value.Trained;

    /// <summary>Checkpoint folder of an untrained model with a 32 768-position context: it rambles (long enough that the managed CPU decode step, ~0.1 ms a token, cannot finish 30 000 tokens before a test acts on the running generation), long generations for batching, cancellation and queue tests (it may still draw end-of-text at any step: tests that need a row to keep decoding ask for ignore_eos).</summary>
    public static string Untrained => Folders.Value.Untrained;

    public static BpeTextTokenizer Tokenizer => Folders.Value.Tokenizer;

    /// <summary>Stores <paramref name="folder"/> in the server's artifact store and registers it as the next version of <paramref name="model"/> (promoted when it is the first).</summary>
    public static async Task<int> RegisterAsync(PortalServer server, string model, string folder, double accuracy = 0.5)
    {
        var (manifest, _) = await ArtifactManifest.PutDirectoryAsync(server.Get<ArtifactStore>(), folder, CancellationToken.None);
        var outcome = await server.Get<ModelRegistry>().PromoteAsync(new PromotionCandidate(model, "test:" + Guid.NewGuid().ToString("N"),
            manifest.Sha256, null, new Dictionary<int, double> { [64] = accuracy }, null, null), PromotionRule.Parse("accuracy"), 0);
        return outcome.Version.Version;
    }

    private static (string, string, BpeTextTokenizer) Build()
    {
        var examples = new[] { ("Compute 3+4.", Trace("3+4", "7")), ("Compute 9-5.", Trace("9-5", "4")) };
        var tok = BpeTrainer.Train(examples.Select(e => ChatFormat.PromptText(e.Item1) + e.Item2).Append("Compute 8*6.\n" + Trace("8*6", "48")), vocabSize: 300);
        var config = new ModelConfig
        {
            VocabSize = tok.VocabSize, HiddenSize = 32, NumLayers = 2, NumHeads = 4, NumKvHeads = 2,
            IntermediateSize = 64, MaxPositions = 128, TieEmbeddings = true,
        };
        var root = Directory.CreateTempSubdirectory("t1-serving-").FullName;
        torch.manual_seed(21);
        using (var model = new DecoderLM(config))
        {
            Supervise(model, tok, examples, steps: 150, lr: 4e-3);
            Checkpoint.Save(Path.Combine(root, "trained"), model, tok);
        }
        torch.manual_seed(5);
        using (var untrained = new DecoderLM(config with { MaxPositions = 32768 })) Checkpoint.Save(Path.Combine(root, "untrained"), untrained, tok);
        return (Path.Combine(root, "trained"), Path.Combine(root, "untrained"), tok);
    }

    private static void Supervise(DecoderLM model, ITextTokenizer tok, IReadOnlyList<(string Prompt, string Response)> examples, int steps, double lr)
    {
        var encoded = examples.Select(e => ChatFormat.EncodeExample(tok, e.Prompt, e.Response)).ToList();
        int T = encoded.Max(e => e.Ids.Length), B = encoded.Count;
        var ids = new long[B * T];
        var mask = new float[B * T];
        for (int b = 0; b < B; b++)
            for (int t = 0; t < T; t++)
            {
                ids[b * T + t] = t < encoded[b].Ids.Length ? encoded[b].Ids[t] : tok.Special.Pad;
                mask[b * T + t] = t >= encoded[b].PromptLength && t < encoded[b].Ids.Length ? 1 : 0;
            }
        using var idsT = tensor(ids, [B, T]);
        using var maskT = tensor(mask, [B, T]);
        using var opt = model.CreateAdamW(lr, weightDecay: 0);
        for (int s = 0; s < steps; s++)
        {
            using var scope = NewDisposeScope();
            opt.zero_grad();
            var loss = -TokenLogProbs.OfSequences(model, idsT, maskT).sum() / maskT.narrow(1, 1, T - 1).sum();
            loss.backward();
            opt.step();
        }
    }
}
