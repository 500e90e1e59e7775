using T1.Ml.Model;

namespace T1.Ml.Tests.Model;

internal static class TestConfigs
{
    /// <summary>A very small Qwen2 shape with GQA (4 query heads over 2 kv heads) so tests run in milliseconds.</summary>
    public static ModelConfig Micro(bool tied = true, int vocab = 64) => new()
    {
        VocabSize = vocab, HiddenSize = 32, NumLayers = 2, NumHeads = 4, NumKvHeads = 2,
        IntermediateSize = 64, MaxPositions = 64, TieEmbeddings = tied, RopeTheta = 10000,
    };
}
