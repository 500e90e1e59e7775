using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using T1.Storage.Database;
using T1.Workflows.Definitions;
using T1.Workflows.Steps;

namespace T1.Workflows.Engine;

/// <summary>
/// Stores validated definitions, versioned by content: the same text under the same name is
/// the same version; new text gets the next version number. Only valid definitions get here.
/// </summary>
public sealed class DefinitionStore(DatabaseFactory database, StepCatalog catalog)
{
    private readonly ConcurrentDictionary<long, WorkflowDefinition> _parsed = new();

    public async Task<DefinitionRecord> SaveAsync(WorkflowDefinition definition, CancellationToken ct = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var db = database.Create();
            var existing = await db.Definitions.FirstOrDefaultAsync(d => d.Name == definition.Name && d.ContentHash == definition.ContentHash, ct);
            if (existing is not null) return existing;
            var version = (await db.Definitions.Where(d => d.Name == definition.Name).MaxAsync(d => (int?)d.Version, ct) ?? 0) + 1;
            var record = new DefinitionRecord
            {
                Name = definition.Name, Version = version, ContentHash = definition.ContentHash,
                SourceText = definition.SourceText, FileName = definition.FileName,
                Schedule = definition.Schedule, CreatedAt = DateTime.UtcNow,
            };
            db.Definitions.Add(record);
            try
            {
                await db.SaveChangesAsync(ct);
                return record;
            }
            catch (DbUpdateException) when (attempt < 5)
            {
                // Another process stored a version at the same moment: read again.
            }
        }
    }

    /// <summary>The parsed definition of a stored record (parsed once per process).</summary>
    public WorkflowDefinition Parse(DefinitionRecord record) => _parsed.GetOrAdd(record.Id, _ =>
    {
        var result = WorkflowLoader.Load(record.SourceText, record.FileName, catalog);
        return result.Definition ?? throw new InvalidOperationException(
            $"stored workflow '{record.Name}' v{record.Version} no longer validates with this version of T1:{Environment.NewLine}"
            + string.Join(Environment.NewLine, result.Diagnostics));
    });

    public async Task<WorkflowDefinition> GetAsync(long definitionId, CancellationToken ct = default)
    {
        if (_parsed.TryGetValue(definitionId, out var d)) return d;
        await using var db = database.Create();
        var record = await db.Definitions.FirstOrDefaultAsync(x => x.Id == definitionId, ct)
            ?? throw new InvalidOperationException($"workflow definition #{definitionId} is not in {database.Description}");
        return Parse(record);
    }
}
