using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace T1.Ml.Synthesis.Teacher;

/// <summary>
/// The teacher responses finished so far, one JSON line each, appended and flushed as each arrives, so a crash loses
/// at most the requests in flight. Opening an existing file keeps its complete lines (a line torn by a crash is cut
/// off) and the keys they cover; a resumed synthesis asks only for the rest. Safe to append from several tasks.
/// </summary>
public sealed class TeacherWorkFile : IDisposable
{
    private static readonly TeacherTraceRecordContext Json = new(new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    private readonly Dictionary<(int, int), TeacherTraceRecord> _records = [];
    private readonly StreamWriter _writer;
    private readonly Lock _lock = new();

    /// <summary>Opens (or creates) the file at <paramref name="path"/> and reads what it holds.</summary>
    public TeacherWorkFile(string path)
    {
        Path = path;
        if (File.Exists(path))
        {
            CutTornLine(path);
            var records = Read(path, out var unreadable);
            foreach (var record in records) _records.TryAdd(record.Key, record);
            Unreadable = unreadable;
        }
        Recovered = _records.Count;
        _writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));
    }

    public string Path { get; }

    /// <summary>Records found in the file when it was opened (the work of earlier attempts).</summary>
    public int Recovered { get; }

    /// <summary>Complete lines of the file that were not records (skipped; their requests are asked again).</summary>
    public int Unreadable { get; }

    public bool Contains((int Problem, int Sample) key)
    {
        lock (_lock) return _records.ContainsKey(key);
    }

    /// <summary>All records, in problem then sample order.</summary>
    public IReadOnlyList<TeacherTraceRecord> Records
    {
        get { lock (_lock) return _records.Values.OrderBy(r => r.Problem).ThenBy(r => r.Sample).ToList(); }
    }

    /// <summary>Adds <paramref name="record"/> unless its key is already done; written and flushed before this returns.</summary>
    public bool Append(TeacherTraceRecord record)
    {
        lock (_lock)
        {
            if (!_records.TryAdd(record.Key, record)) return false;
            _writer.WriteLine(JsonSerializer.Serialize(record, Json.TeacherTraceRecord));
            _writer.Flush();
            return true;
        }
    }

    /// <summary>Copies the file as it is now (every appended record complete) to <paramref name="destination"/>.</summary>
    public void CopyTo(string destination)
    {
        lock (_lock)
        {
            _writer.Flush();
            File.Copy(Path, destination, overwrite: true);
        }
    }

    /// <summary>Writes every record, in problem then sample order (the same file whatever order the answers came in), to <paramref name="destination"/>.</summary>
    public void WriteOrdered(string destination)
    {
        using var output = new StreamWriter(destination, append: false, new UTF8Encoding(false));
        foreach (var record in Records) output.WriteLine(JsonSerializer.Serialize(record, Json.TeacherTraceRecord));
    }

    /// <summary>Adds the records of another copy of the work (an earlier attempt's on another host) that this one lacks.</summary>
    public int Merge(string otherPath)
    {
        var added = 0;
        foreach (var record in Read(otherPath, out _))
            if (Append(record)) added++;
        return added;
    }

    /// <summary>Complete, readable records of a work file; a last line without its newline is ignored.</summary>
    public static IEnumerable<TeacherTraceRecord> Read(string path, out int unreadable)
    {
        var list = new List<TeacherTraceRecord>();
        unreadable = 0;
        var text = File.ReadAllText(path);
        var complete = text[..(text.LastIndexOf('\n') + 1)];
        foreach (var line in complete.Split('\n'))
        {
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                if (JsonSerializer.Deserialize(line, Json.TeacherTraceRecord) is { ProblemId: not null, Reason: not null } r) list.Add(r);
                else unreadable++;
            }
            catch (JsonException) { unreadable++; }
        }
        return list;
    }

    /// <summary>A crash mid-write leaves a last line without its newline: cut it, so the next record starts on a line of its own.</summary>
    private static void CutTornLine(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        if (stream.Length == 0) return;
        var keep = stream.Length;
        var one = new byte[1];
        while (keep > 0)
        {
            stream.Position = keep - 1;
            stream.ReadExactly(one);
            if (one[0] == (byte)'\n') break;
            keep--;
        }
        if (keep < stream.Length) stream.SetLength(keep);
    }

    public void Dispose()
    {
        lock (_lock) _writer.Dispose();
    }
}
