using System.Text.Json.Nodes;
using T1.Ml.Checkpoints;
using T1.Ml.Model;
using T1.Ml.Tests.Model;
using T1.Ml.Tests.Tokenization;
using T1.Ml.Tokenization;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Tests.Checkpoints;

[Collection(TorchCollection.Name)]
public sealed class SyntheticHfModelTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("t1-synth-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public void Layout_IsTheModelsStateDict(bool tied, bool bias)
    {
        var cfg = TestConfigs.Micro(tied) with { AttentionBias = bias };
        using var m = new DecoderLM(cfg);
        var expected = m.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.shape);
        var layout = SyntheticHfModel.Layout(cfg);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), layout.Select(e => e.Name).Order(StringComparer.Ordinal));
        foreach (var (name, _, shape) in layout) Assert.Equal(expected[name], shape);
    }

    [Fact]
    public void Folder_LoadsAsAQwen2Checkpoint_WithItsTokenizer_Bf16_AndIsReproducible()
    {
        var tok = Qwen2StyleTokenizer.Create(Qwen2StyleTokenizerTests.Corpus, bpeVocabSize: 300);
        var cfg = TestConfigs.Micro(tied: true, vocab: 320);
        var weights = new SyntheticWeights { Seed = 5, Dtype = ScalarType.BFloat16, Std = 0.1, BiasStd = 0.3, NormJitter = 0.1 };
        var a = Path.Combine(_root, "a");
        var b = Path.Combine(_root, "b");
        SyntheticHfModel.Write(a, cfg, weights, tok);
        SyntheticHfModel.Write(b, cfg, weights, tok);
        Assert.Equal(File.ReadAllBytes(Path.Combine(a, "model.safetensors")), File.ReadAllBytes(Path.Combine(b, "model.safetensors")));
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(a, "config.json")))!;
        Assert.Equal("bfloat16", (string?)config["torch_dtype"]);
        Assert.Equal(tok.Special.EndOfText, (int)config["eos_token_id"]!);
        Assert.All(Safetensors.ReadIndex(Path.Combine(a, "model.safetensors")), e => Assert.Equal(ScalarType.BFloat16, e.Dtype));

        using var loaded = Checkpoint.Load(a, torch.CPU);
        Assert.Equal(cfg, loaded.Model.Config);
        Assert.Equal("chatml", loaded.Tokenizer!.Chat.Name);
        var sd = loaded.Model.state_dict();
        Assert.True(sd["model.layers.0.self_attn.k_proj.bias"].abs().max().item<float>() > 0.1f);
        Assert.True((sd["model.norm.weight"] - 1).abs().max().item<float>() > 0.01f);
        Assert.InRange(sd["model.layers.1.mlp.up_proj.weight"].std().item<float>(), 0.09f, 0.11f);

        var other = Path.Combine(_root, "c");
        SyntheticHfModel.Write(other, cfg, weights with { Seed = 6 });
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(a, "model.safetensors")), File.ReadAllBytes(Path.Combine(other, "model.safetensors")));
    }

    [Fact]
    public void TokenizerLargerThanTheModel_IsRefused()
    {
        var tok = Qwen2StyleTokenizer.Create(Qwen2StyleTokenizerTests.Corpus, bpeVocabSize: 300);
        var ex = Assert.Throws<ArgumentException>(() => SyntheticHfModel.Write(Path.Combine(_root, "x"), TestConfigs.Micro(vocab: 64), tokenizer: tok));
        Assert.StartsWith($"The tokenizer has {tok.VocabSize} ids but the model's vocabulary is 64.", ex.Message);
    }
}
