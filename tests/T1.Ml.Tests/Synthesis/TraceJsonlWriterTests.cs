using System.Text.Json;
using T1.Ml.Synthesis;

namespace T1.Ml.Tests.Synthesis;

public class TraceJsonlWriterTests
{
    [Fact]
    public void Write_EmitsOneRecordPerLine_WithTheFiveFields_AndReadsBack()
    {
        var traces = new TraceSynthesizer(new SynthesisOptions { Seed = 1 }).SynthesizeTask("countdown", 5).ToList();
        var output = new StringWriter();
        Assert.Equal(5, TraceJsonlWriter.Write(traces, output));
        var lines = output.ToString().TrimEnd().Split('\n');
        Assert.Equal(5, lines.Length);
        using var doc = JsonDocument.Parse(lines[0]);
        Assert.Equal(["prompt", "response", "answer", "task", "difficulty"], doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Contains("<think>", lines[0]);
        Assert.Equal(traces, TraceJsonlWriter.Read(new StringReader(output.ToString())).ToList());
    }

    [Fact]
    public void Read_NamesTheLine_OfABadRecord()
    {
        var e = Assert.Throws<FormatException>(() => TraceJsonlWriter.Read(new StringReader("\n[1,2]\n")).ToList());
        Assert.StartsWith("line 2: not a trace record", e.Message);
    }
}
