using T1.Ml.Checkpoints;
using T1.Ml.Model;
using T1.Ml.Tokenization;
using TorchSharp;

namespace T1.Bench.Serve;

/// <summary>A preset with random weights and a byte-level BPE tokenizer of the preset's vocabulary, saved as a checkpoint folder.</summary>
public static class BenchModel
{
    public static string Save(string preset, int vocab, string directory)
    {
        var corpus = Enumerable.Range(0, 400).Select(i => $"Compute {i % 37}+{i % 11}.\n<think>\nTry: {i % 37}+{i % 11}={i % 37 + i % 11}.\n</think>\nFinal answer: \\boxed{{{i % 37 + i % 11}}}");
        var tok = BpeTrainer.Train(corpus, vocabSize: vocab);
        torch.manual_seed(0);
        using var model = DecoderLM.Create(ModelConfig.Preset(preset, Math.Max(vocab, tok.VocabSize)), torch.CPU);
        Checkpoint.Save(directory, model, tok);
        return directory;
    }
}
