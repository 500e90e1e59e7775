using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace T1.Ml.Synthesis;

/// <summary>Writes and reads synthesised traces as JSONL: one {prompt, response, answer, task, difficulty} object a line.</summary>
public static class TraceJsonlWriter
{
    // Relaxed escaping keeps "<think>" and "+" readable in the file; the output is still valid JSON.
    private static readonly TraceJsonContext Context = new(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    /// <returns>The number of records written.</returns>
    public static int Write(IEnumerable<SynthesizedTrace> traces, TextWriter output)
    {
        var count = 0;
        foreach (var trace in traces)
        {
            output.WriteLine(JsonSerializer.Serialize(trace, Context.SynthesizedTrace));
            count++;
        }
        return count;
    }

    /// <exception cref="FormatException">A line is not a trace record; the message names the line.</exception>
    public static IEnumerable<SynthesizedTrace> Read(TextReader input)
    {
        var lineNumber = 0;
        while (input.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            SynthesizedTrace? trace;
            try { trace = JsonSerializer.Deserialize(line, Context.SynthesizedTrace); }
            catch (JsonException e) { throw new FormatException($"line {lineNumber}: not a trace record ({e.Message})", e); }
            yield return trace ?? throw new FormatException($"line {lineNumber}: not a trace record (null)");
        }
    }
}

[JsonSerializable(typeof(SynthesizedTrace))]
internal sealed partial class TraceJsonContext : JsonSerializerContext;
