using System.Diagnostics;
using System.Text.Json.Nodes;
using T1.Ml.Checkpoints;
using T1.Ml.Model;
using T1.Ml.Tests.Model;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Tests.Checkpoints;

/// <summary>
/// Interop with an independent implementation: Python's standard library only (struct, json), no
/// torch or safetensors package, run by /usr/bin/python3.
/// </summary>
[Collection(TorchCollection.Name)]
public sealed class SafetensorsInteropTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("t1-st-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private const string ReadScript = """
        import json, struct, sys
        path, name = sys.argv[1], sys.argv[2]
        with open(path, 'rb') as f:
            n = struct.unpack('<Q', f.read(8))[0]
            header = json.loads(f.read(n))
            base = 8 + n
            meta = header.pop('__metadata__', {})
            e = header[name]
            assert e['dtype'] == 'F32', e
            b, end = e['data_offsets']
            f.seek(base + b)
            raw = f.read(end - b)
        count = 1
        for d in e['shape']: count *= d
        assert len(raw) == 4 * count
        values = struct.unpack('<%df' % count, raw)
        ends = sorted(v['data_offsets'][1] for v in header.values())
        print(json.dumps({'names': sorted(header), 'shapes': {k: v['shape'] for k, v in header.items()},
                          'first': list(values[:5]), 'sum': sum(values), 'format': meta.get('format'),
                          'data_end': ends[-1]}))
        """;

    private const string WriteScript = """
        import json, os, random, struct, sys
        out = sys.argv[1]
        cfg = {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "vocab_size": 64, "hidden_size": 32,
               "intermediate_size": 64, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
               "rope_theta": 1000000.0, "rms_norm_eps": 1e-06, "max_position_embeddings": 64,
               "tie_word_embeddings": False, "torch_dtype": "bfloat16", "use_sliding_window": False,
               "hidden_act": "silu", "bos_token_id": 1, "eos_token_id": 2}
        H, I, V, KV = 32, 64, 64, 16
        shapes = {"model.embed_tokens.weight": [V, H], "model.norm.weight": [H], "lm_head.weight": [V, H]}
        for i in range(2):
            p = "model.layers.%d." % i
            shapes.update({p + "self_attn.q_proj.weight": [H, H], p + "self_attn.q_proj.bias": [H],
                           p + "self_attn.k_proj.weight": [KV, H], p + "self_attn.k_proj.bias": [KV],
                           p + "self_attn.v_proj.weight": [KV, H], p + "self_attn.v_proj.bias": [KV],
                           p + "self_attn.o_proj.weight": [H, H], p + "mlp.gate_proj.weight": [I, H],
                           p + "mlp.up_proj.weight": [I, H], p + "mlp.down_proj.weight": [H, I],
                           p + "input_layernorm.weight": [H], p + "post_attention_layernorm.weight": [H]})
        rng = random.Random(0)
        header, blobs, offset, expected = {}, [], 0, {}
        for name in sorted(shapes):
            count = 1
            for d in shapes[name]: count *= d
            vals = [rng.uniform(-0.1, 0.1) for _ in range(count)]
            if name == "model.embed_tokens.weight":   # bf16, as HF Qwen2 checkpoints ship
                bits = [struct.unpack('<I', struct.pack('<f', v))[0] >> 16 for v in vals]
                raw = struct.pack('<%dH' % count, *bits)
                vals = [struct.unpack('<f', struct.pack('<I', b << 16))[0] for b in bits]
                dtype = "BF16"
            else:
                raw = struct.pack('<%df' % count, *vals)
                dtype = "F32"
            header[name] = {"dtype": dtype, "shape": shapes[name], "data_offsets": [offset, offset + len(raw)]}
            blobs.append(raw); offset += len(raw)
            expected[name] = vals[:3]
        header["__metadata__"] = {"format": "pt"}
        h = json.dumps(header).encode()
        h += b' ' * ((8 - len(h) % 8) % 8)
        os.makedirs(out, exist_ok=True)
        with open(os.path.join(out, "model.safetensors"), "wb") as f:
            f.write(struct.pack('<Q', len(h))); f.write(h)
            for b in blobs: f.write(b)
        with open(os.path.join(out, "config.json"), "w") as f: json.dump(cfg, f)
        with open(os.path.join(out, "expected.json"), "w") as f: json.dump(expected, f)
        """;

    private string Python(string script, params string[] args)
    {
        var file = Path.Combine(_root, Guid.NewGuid().ToString("N") + ".py");
        File.WriteAllText(file, script); // raw literals already drop the closing delimiter's indentation
        var psi = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(file);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEnd();
        var stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"python3 failed: {stderr}");
        return stdout;
    }

    [Fact]
    public void WrittenFile_IsReadByAPythonStdlibParser_WithSameNamesShapesAndBytes()
    {
        torch.manual_seed(31);
        using var m = new DecoderLM(TestConfigs.Micro(tied: false));
        var dir = Path.Combine(_root, "ck");
        Checkpoint.Save(dir, m);
        var file = Path.Combine(dir, Checkpoint.WeightsFile);
        const string probe = "model.layers.1.self_attn.k_proj.weight";
        var report = JsonNode.Parse(Python(ReadScript, file, probe))!;

        var sd = m.state_dict();
        Assert.Equal(sd.Keys.Order(StringComparer.Ordinal), report["names"]!.AsArray().Select(n => (string)n!));
        foreach (var (name, t) in sd)
        {
            Assert.Equal(t.shape, report["shapes"]![name]!.AsArray().Select(d => (long)d!).ToArray());
        }
        var expected = sd[probe].flatten().data<float>().ToArray();
        var first = report["first"]!.AsArray().Select(v => (float)(double)v!).ToArray();
        Assert.Equal(expected.Take(5), first);
        Assert.Equal(expected.Sum(x => (double)x), (double)report["sum"]!, 3);
        Assert.Equal("pt", (string?)report["format"]);
        Assert.Equal(new FileInfo(file).Length, 8 + ReadHeaderLength(file) + (long)report["data_end"]!);
    }

    [Fact]
    public void HuggingFaceQwen2Folder_WrittenByPython_LoadsIntoTheModel_IncludingBf16()
    {
        var dir = Path.Combine(_root, "hf");
        Python(WriteScript, dir);
        using var loaded = Checkpoint.Load(dir, torch.CPU);
        var cfg = loaded.Model.Config;
        Assert.Equal((64, 32, 2, 4, 2, 64, false, 1e6), (cfg.VocabSize, cfg.HiddenSize, cfg.NumLayers, cfg.NumHeads, cfg.NumKvHeads, cfg.IntermediateSize, cfg.TieEmbeddings, cfg.RopeTheta));
        Assert.Null(loaded.Tokenizer);
        var expected = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "expected.json")))!.AsObject();
        var sd = loaded.Model.state_dict();
        foreach (var (name, values) in expected)
        {
            var got = sd[name].flatten().narrow(0, 0, 3).data<float>().ToArray();
            var want = values!.AsArray().Select(v => (float)(double)v!).ToArray();
            Assert.Equal(want, got);
        }
        using var _ = no_grad();
        var logits = loaded.Model.forward(tensor(new long[,] { { 1, 5, 9 } }));
        Assert.False(logits.isnan().any().item<bool>());
    }

    private static long ReadHeaderLength(string file)
    {
        using var fs = File.OpenRead(file);
        var b = new byte[8];
        fs.ReadExactly(b);
        return BitConverter.ToInt64(b);
    }
}
