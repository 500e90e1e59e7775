using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using static TorchSharp.torch;

namespace T1.Ml.Checkpoints;

/// <summary>
/// The safetensors format (Hugging Face): an 8-byte little-endian header length, a JSON header
/// mapping each name to dtype, shape and [begin, end) byte offsets into the data that follows, then
/// the raw little-endian tensor bytes. Written and read here without extra dependencies.
/// </summary>
public static class Safetensors
{
    private static readonly Dictionary<ScalarType, string> Names = new()
    {
        [ScalarType.Float32] = "F32", [ScalarType.Float16] = "F16", [ScalarType.BFloat16] = "BF16",
        [ScalarType.Float64] = "F64", [ScalarType.Int64] = "I64", [ScalarType.Int32] = "I32",
        [ScalarType.Int16] = "I16", [ScalarType.Int8] = "I8", [ScalarType.Byte] = "U8", [ScalarType.Bool] = "BOOL",
    };

    private static readonly Dictionary<string, ScalarType> Types = Names.ToDictionary(kv => kv.Value, kv => kv.Key);

    /// <summary>Writes <paramref name="tensors"/> (any device; copied to CPU) to <paramref name="path"/>, names sorted, data flushed to disk.</summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null) =>
        Write(path, tensors.Select(kv => (kv.Key, kv.Value.dtype, kv.Value.shape)).ToList(), name => tensors[name], metadata, disposeProduced: false);

    /// <summary>
    /// Writes tensors one at a time: <paramref name="layout"/> gives each name, dtype and shape (the header),
    /// and <paramref name="produce"/> makes each tensor when its bytes are due (names sorted), so a file
    /// larger than memory can be written. Produced tensors are disposed after writing when
    /// <paramref name="disposeProduced"/>.
    /// </summary>
    public static void Write(string path, IReadOnlyList<(string Name, ScalarType Dtype, long[] Shape)> layout, Func<string, Tensor> produce,
        IReadOnlyDictionary<string, string>? metadata = null, bool disposeProduced = true)
    {
        var header = new JsonObject();
        var meta = new JsonObject { ["format"] = "pt" };
        foreach (var (k, v) in metadata ?? new Dictionary<string, string>()) meta[k] = v;
        header["__metadata__"] = meta;
        var ordered = layout.OrderBy(e => e.Name, StringComparer.Ordinal).ToList();
        long offset = 0;
        foreach (var (name, type, shape) in ordered)
        {
            if (!Names.TryGetValue(type, out var dtype))
                throw new NotSupportedException($"Tensor '{name}' has dtype {type}, which safetensors writing here does not support.");
            long size = shape.Aggregate(1L, (a, d) => a * d) * ElementSize(type);
            header[name] = new JsonObject
            {
                ["dtype"] = dtype,
                ["shape"] = new JsonArray(shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + size),
            };
            offset += size;
        }
        var json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (json.Length + 7) / 8 * 8; // data starts 8-byte aligned; the header is padded with spaces
        using var fs = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20);
        Span<byte> len = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)padded);
        fs.Write(len);
        fs.Write(json);
        for (int i = json.Length; i < padded; i++) fs.WriteByte((byte)' ');
        foreach (var (name, type, shape) in ordered)
        {
            var t = produce(name);
            try
            {
                if (t.dtype != type || !t.shape.SequenceEqual(shape))
                    throw new InvalidOperationException($"Tensor '{name}' was declared {type} [{string.Join(", ", shape)}] but produced as {t.dtype} [{string.Join(", ", t.shape)}].");
                using var cpu = t.detach().cpu().contiguous();
                fs.Write(cpu.bytes);
            }
            finally
            {
                if (disposeProduced) t.Dispose();
            }
        }
        fs.Flush(flushToDisk: true);
    }

    private static long ElementSize(ScalarType type) => type switch
    {
        ScalarType.Float64 or ScalarType.Int64 => 8,
        ScalarType.Float32 or ScalarType.Int32 => 4,
        ScalarType.Float16 or ScalarType.BFloat16 or ScalarType.Int16 => 2,
        _ => 1,
    };

    /// <summary>Reads every tensor of <paramref name="path"/> onto the CPU in its stored dtype.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        var (entries, dataStart) = ReadHeader(fs, path);
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (name, dtype, shape, begin, end) in entries)
        {
            var t = empty(shape, dtype: dtype);
            long expected = t.numel() * t.ElementSize;
            if (end - begin != expected)
                throw new InvalidDataException($"{path}: tensor '{name}' has {end - begin} bytes but dtype and shape need {expected}.");
            fs.Position = dataStart + begin;
            fs.ReadExactly(t.bytes);
            result[name] = t;
        }
        return result;
    }

    /// <summary>Names, dtypes and shapes in the header of <paramref name="path"/>, without reading data.</summary>
    public static IReadOnlyList<(string Name, ScalarType Dtype, long[] Shape)> ReadIndex(string path)
    {
        using var fs = File.OpenRead(path);
        return ReadHeader(fs, path).Entries.Select(e => (e.Name, e.Dtype, e.Shape)).ToList();
    }

    private static (List<(string Name, ScalarType Dtype, long[] Shape, long Begin, long End)> Entries, long DataStart) ReadHeader(Stream fs, string path)
    {
        Span<byte> len = stackalloc byte[8];
        fs.ReadExactly(len);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(len);
        if (n == 0 || n > 100_000_000 || (long)n > fs.Length - 8)
            throw new InvalidDataException($"{path} is not a safetensors file (header length {n}).");
        var buf = new byte[n];
        fs.ReadExactly(buf);
        var root = JsonNode.Parse(buf)?.AsObject() ?? throw new InvalidDataException($"{path}: empty header.");
        var entries = new List<(string, ScalarType, long[], long, long)>();
        foreach (var (name, node) in root)
        {
            if (name == "__metadata__") continue;
            var dt = (string)node!["dtype"]!;
            if (!Types.TryGetValue(dt, out var type))
                throw new NotSupportedException($"{path}: tensor '{name}' has dtype {dt}, which is not supported.");
            var shape = node["shape"]!.AsArray().Select(x => (long)x!).ToArray();
            var offs = node["data_offsets"]!.AsArray();
            entries.Add((name, type, shape, (long)offs[0]!, (long)offs[1]!));
        }
        return (entries, 8 + (long)n);
    }
}
