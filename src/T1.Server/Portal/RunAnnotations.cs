using Microsoft.EntityFrameworkCore;
using T1.Storage.Database;

namespace T1.Server.Portal;

/// <summary>What people add to a run after the fact: tags (<c>key = value</c>, searched as <c>tags.KEY</c>) and one note.</summary>
public sealed class RunAnnotations(DatabaseFactory database)
{
    public const int MaxKeyLength = 100;
    public const int MaxValueLength = 500;
    public const int MaxNoteLength = 10_000;

    /// <summary>Why a tag cannot be stored as given, or null when it can.</summary>
    public static string? TagProblem(string key, string value)
    {
        if (key.Length is 0 or > MaxKeyLength || !key.All(c => char.IsLetterOrDigit(c) || c is '_' or '-' or '@' or '/' or ':'))
            return $"tag name '{key}' must be 1–{MaxKeyLength} letters, digits or _ - @ / : (it is searched as tags.NAME)";
        return value.Length > MaxValueLength ? $"the value of tag '{key}' is {value.Length} characters; at most {MaxValueLength}" : null;
    }

    /// <summary>Sets (or replaces) a tag; false when there is no such run. Call <see cref="TagProblem"/> first.</summary>
    public async Task<bool> SetTagAsync(string runId, string key, string value, string by, CancellationToken ct = default)
    {
        if (TagProblem(key, value) is { } problem) throw new ArgumentException(problem, nameof(key));
        await using var db = database.Create();
        if (!await db.Runs.AnyAsync(r => r.Id == runId, ct)) return false;
        var tag = await db.RunTags.FirstOrDefaultAsync(t => t.RunId == runId && t.Key == key, ct);
        if (tag is null) db.RunTags.Add(tag = new RunTagRecord { RunId = runId, Key = key });
        tag.Value = value;
        tag.By = by;
        tag.CreatedAt = DateTime.UtcNow;
        await db.SaveChangesAsync(ct);
        return true;
    }

    /// <summary>Removes a tag; false when the run has no such tag.</summary>
    public async Task<bool> RemoveTagAsync(string runId, string key, CancellationToken ct = default)
    {
        await using var db = database.Create();
        return await db.RunTags.Where(t => t.RunId == runId && t.Key == key).ExecuteDeleteAsync(ct) > 0;
    }

    public async Task<IReadOnlyList<RunTagRecord>> TagsAsync(string runId, CancellationToken ct = default)
    {
        await using var db = database.Create();
        return await db.RunTags.AsNoTracking().Where(t => t.RunId == runId).OrderBy(t => t.Key).ToListAsync(ct);
    }

    /// <summary>Replaces the run's note (blank clears it); false when there is no such run.</summary>
    public async Task<bool> SetNoteAsync(string runId, string? note, CancellationToken ct = default)
    {
        if (note is { Length: > MaxNoteLength }) throw new ArgumentException($"the note is {note.Length} characters; at most {MaxNoteLength}", nameof(note));
        await using var db = database.Create();
        var text = string.IsNullOrWhiteSpace(note) ? null : note.Trim();
        return await db.Runs.Where(r => r.Id == runId).ExecuteUpdateAsync(s => s.SetProperty(r => r.Note, text), ct) > 0;
    }
}
