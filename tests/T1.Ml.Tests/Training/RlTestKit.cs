using T1.Ml.Model;
using T1.Ml.Tasks;
using T1.Ml.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Tests.Training;

/// <summary>Small models, a tokenizer and a few supervised steps for the RL and evaluation tests (no dependency on the SFT trainer).</summary>
internal static class RlTestKit
{
    private static readonly Lazy<BpeTextTokenizer> Tok = new(() => BpeTrainer.Train(
    [
        "Compute 3+4.\n<think>\nTry: 3+4=7.\nCheck: 3+4=7, correct.\n</think>\nFinal answer: \\boxed{7}",
        "Compute 8*6.\n<think>\nTry: 8*6=48.\nCheck: 8*6=48, correct.\n</think>\nFinal answer: \\boxed{48}",
        "Compute 9-5.\n<think>\nTry: 9-5=4.\nCheck: 9-5=4, correct.\n</think>\nFinal answer: \\boxed{4}",
    ], vocabSize: 300));

    /// <summary>A byte-level BPE tokenizer with the think tokens (trained once per test run).</summary>
    public static BpeTextTokenizer Tokenizer => Tok.Value;

    /// <summary>A very small Qwen2 shape that fits prompt + a short response.</summary>
    public static ModelConfig Config(int vocab) => new()
    {
        VocabSize = vocab, HiddenSize = 32, NumLayers = 2, NumHeads = 4, NumKvHeads = 2,
        IntermediateSize = 64, MaxPositions = 128, TieEmbeddings = true,
    };

    public static DecoderLM Model(int seed)
    {
        torch.manual_seed(seed);
        return new DecoderLM(Config(Tokenizer.VocabSize));
    }

    /// <summary>Arithmetic problems of difficulty 1 (the first <paramref name="count"/> of a seeded stream).</summary>
    public static IReadOnlyList<Problem> Problems(int count, int seed = 1) =>
        ProblemSets.Take(TaskRegistry.Create("arithmetic"), ProblemSplit.Train, count, seed);

    /// <summary>A few full-batch supervised steps on (prompt, response) pairs, loss on the response and end of text.</summary>
    public static float Supervise(DecoderLM model, ITextTokenizer tok, IReadOnlyList<(string Prompt, string Response)> examples, int steps, double lr)
    {
        var encoded = examples.Select(e => ChatFormat.EncodeExample(tok, e.Prompt, e.Response)).ToList();
        int T = encoded.Max(e => e.Ids.Length), B = encoded.Count;
        var ids = new long[B * T];
        var mask = new float[B * T];
        for (int b = 0; b < B; b++)
        {
            var (seq, promptLength) = encoded[b];
            for (int t = 0; t < T; t++)
            {
                ids[b * T + t] = t < seq.Length ? seq[t] : tok.Special.Pad;
                mask[b * T + t] = t >= promptLength && t < seq.Length ? 1 : 0;
            }
        }
        using var idsT = tensor(ids, [B, T]);
        using var maskT = tensor(mask, [B, T]);
        using var opt = model.CreateAdamW(lr, weightDecay: 0);
        float loss = float.NaN;
        for (int s = 0; s < steps; s++)
        {
            using var scope = NewDisposeScope();
            opt.zero_grad();
            var logp = TokenLogProbs.OfSequences(model, idsT, maskT); // (B, T-1)
            var l = -logp.sum() / maskT.narrow(1, 1, T - 1).sum();
            l.backward();
            opt.step();
            loss = l.detach().cpu().data<float>()[0];
        }
        return loss;
    }
}
