using System.Buffers.Binary;
using System.Text.Json;

namespace T1.Server.Portal.Artifacts;

/// <summary>
/// The header of a safetensors file: an 8-byte little-endian length, then that many bytes of JSON mapping each tensor
/// name to its dtype, shape and byte offsets (and <c>__metadata__</c>). Read from the first bytes of the file only.
/// </summary>
public sealed record SafetensorsHeader(IReadOnlyList<SafetensorsHeader.Tensor> Tensors, IReadOnlyDictionary<string, string> Metadata)
{
    /// <summary>The format's own limit on the header's length (100 MB).</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>One tensor: name, dtype (F32, BF16, …), shape and its number of elements.</summary>
    public sealed record Tensor(string Name, string Dtype, IReadOnlyList<long> Shape)
    {
        public long Elements => Shape.Aggregate(1L, (a, d) => a * d);
    }

    /// <summary>Elements over all tensors: the parameter count of a model file.</summary>
    public long Parameters => Tensors.Sum(t => t.Elements);

    /// <summary>The header's length, from the first 8 bytes; throws <see cref="InvalidDataException"/> when it cannot be a header.</summary>
    public static long Length(ReadOnlySpan<byte> first8, string file)
    {
        if (first8.Length < 8) throw new InvalidDataException($"{file} is {first8.Length} bytes long: too short for a safetensors header.");
        var length = BinaryPrimitives.ReadUInt64LittleEndian(first8);
        if (length < 2 || length > MaxHeaderBytes)
            throw new InvalidDataException($"{file} does not start with a safetensors header: its first 8 bytes give a header of {length} bytes (at most {MaxHeaderBytes}).");
        return (long)length;
    }

    /// <summary>Parses the header from the file's first bytes (the 8-byte length included).</summary>
    public static SafetensorsHeader Parse(ReadOnlySpan<byte> bytes, string file)
    {
        var length = Length(bytes, file);
        if (bytes.Length < 8 + length) throw new InvalidDataException($"{file} ends inside its safetensors header ({bytes.Length - 8} of {length} bytes).");
        var tensors = new List<Tensor>();
        var metadata = new Dictionary<string, string>();
        try
        {
            using var json = JsonDocument.Parse(bytes.Slice(8, (int)length).ToArray());
            foreach (var p in json.RootElement.EnumerateObject())
            {
                if (p.Name == "__metadata__")
                {
                    foreach (var m in p.Value.EnumerateObject()) metadata[m.Name] = m.Value.ToString();
                    continue;
                }
                var shape = p.Value.GetProperty("shape").EnumerateArray().Select(d => d.GetInt64()).ToList();
                tensors.Add(new Tensor(p.Name, p.Value.GetProperty("dtype").GetString() ?? "?", shape));
            }
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{file}: the safetensors header is not valid JSON of tensors ({e.Message}).", e);
        }
        tensors.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        return new SafetensorsHeader(tensors, metadata);
    }
}
