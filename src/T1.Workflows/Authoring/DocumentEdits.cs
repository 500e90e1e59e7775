using System.Collections.Immutable;
using System.Text.Json.Nodes;
using T1.Workflows.Steps;

namespace T1.Workflows.Authoring;

/// <summary>
/// The designer's operations, each a pure function from one document to the next. An edit that
/// cannot be made throws a <see cref="WorkflowEditException"/> saying why, and changes nothing.
/// </summary>
public static class DocumentEdits
{
    /// <summary>Adds a step of <paramref name="type"/> with a fresh id (<c>sft</c>, then <c>sft-2</c>, …); its inputs start unset.</summary>
    public static WorkflowDocument AddStep(this WorkflowDocument doc, StepTypeDescriptor type, out string id, CanvasPoint? at = null)
    {
        id = StepIds.Unique(type.Name, doc.Steps.Select(s => s.Id));
        return doc with { Steps = doc.Steps.Add(new StepNode { Id = id, Uses = type.Name, Position = at }) };
    }

    /// <summary>Makes <paramref name="to"/> need <paramref name="from"/>; refuses an edge that would close a cycle.</summary>
    public static WorkflowDocument Connect(this WorkflowDocument doc, string from, string to)
    {
        doc.Step(from);
        var target = doc.Step(to);
        if (from == to) throw new WorkflowEditException($"step '{from}' cannot need itself");
        if (target.Needs.Contains(from)) return doc;
        if (PathOfNeeds(doc, from, to) is { } path)
            throw new WorkflowEditException(
                $"cannot connect '{from}' → '{to}': '{from}' already needs '{to}' ({string.Join(" → ", path)}), so this would make a cycle");
        return doc.ReplaceStep(to, target with { Needs = target.Needs.Add(from) });
    }

    /// <summary>Removes <paramref name="from"/> from the needs of <paramref name="to"/>.</summary>
    public static WorkflowDocument Disconnect(this WorkflowDocument doc, string from, string to)
    {
        var target = doc.Step(to);
        return target.Needs.Contains(from) ? doc.ReplaceStep(to, target with { Needs = target.Needs.Remove(from) }) : doc;
    }

    /// <summary>
    /// Deletes a step and what points at it: it leaves every `needs`, and inputs whose whole value is
    /// one of its outputs are unset (references inside longer text stay, and validation shows them).
    /// </summary>
    public static WorkflowDocument DeleteStep(this WorkflowDocument doc, string id)
    {
        doc.Step(id);
        var steps = doc.Steps.Where(s => s.Id != id).Select(s =>
        {
            var needs = s.Needs.Contains(id) ? s.Needs.Remove(id) : s.Needs;
            var with = s.With.Any(w => Expressions.IsWholeReferenceTo(w.Value, id))
                ? [.. s.With.Where(w => !Expressions.IsWholeReferenceTo(w.Value, id))] : s.With;
            return needs == s.Needs && with == s.With ? s : s with { Needs = needs, With = with };
        });
        return doc with { Steps = [.. steps] };
    }

    /// <summary>Renames a step, updating every `needs` and every <c>${{ steps.OLD.outputs.… }}</c>.</summary>
    public static WorkflowDocument RenameStep(this WorkflowDocument doc, string id, string newId)
    {
        doc.Step(id);
        if (id == newId) return doc;
        if (StepIds.Problem(newId) is { } problem) throw new WorkflowEditException(problem);
        if (doc.FindStep(newId) is not null) throw new WorkflowEditException($"there is already a step '{newId}'; choose another id");
        string? Rename(string s) => s == id ? newId : null;
        var steps = doc.Steps.Select(s =>
        {
            var renamed = s.Id == id ? s with { Id = newId } : s;
            var needs = renamed.Needs.Select(n => n == id ? newId : n).ToImmutableArray();
            var with = renamed.With.Select(w => Expressions.RenameSteps(w.Value, Rename) is var v && !ReferenceEquals(v, w.Value) ? w with { Value = v } : w).ToImmutableArray();
            return renamed with { Needs = needs, With = with };
        });
        return doc with { Steps = [.. steps] };
    }

    /// <summary>Sets one `with:` input (a copy of <paramref name="value"/> is kept); <paramref name="unset"/> removes it.</summary>
    public static WorkflowDocument SetInput(this WorkflowDocument doc, string id, string input, JsonNode? value, bool unset = false)
    {
        var step = doc.Step(id);
        var copy = value?.DeepClone();
        var at = step.With.ToList().FindIndex(w => w.Name == input);
        ImmutableArray<InputValue> with = unset ? (at < 0 ? step.With : step.With.RemoveAt(at))
            : at < 0 ? step.With.Add(new InputValue(input, copy)) : step.With.SetItem(at, new InputValue(input, copy));
        return doc.ReplaceStep(id, step with { With = with });
    }

    /// <summary>Changes a step's settings (queue, retry, cache, timeout, type, position); the id must stay (use <see cref="RenameStep"/>).</summary>
    public static WorkflowDocument UpdateStep(this WorkflowDocument doc, string id, Func<StepNode, StepNode> change)
    {
        var step = doc.Step(id);
        var changed = change(step);
        if (changed.Id != id) throw new WorkflowEditException($"use rename to change the id of step '{id}'");
        return doc.ReplaceStep(id, changed);
    }

    /// <summary>Sets (or, with <paramref name="unset"/>, removes) one param default.</summary>
    public static WorkflowDocument SetParam(this WorkflowDocument doc, string name, JsonNode? value, bool unset = false)
    {
        var at = doc.Params.ToList().FindIndex(p => p.Name == name);
        var entry = new InputValue(name, value?.DeepClone());
        var @params = unset ? (at < 0 ? doc.Params : doc.Params.RemoveAt(at))
            : at < 0 ? doc.Params.Add(entry) : doc.Params.SetItem(at, entry);
        return doc with { Params = @params };
    }

    /// <summary>A copy of the workflow under a new name, keeping its text (and comments) otherwise.</summary>
    public static WorkflowDocument Duplicate(this WorkflowDocument doc, string? newName = null) =>
        doc with { Name = newName ?? (doc.Name.Length > 0 ? doc.Name + "-copy" : "copy") };

    /// <summary>The needs path from <paramref name="from"/> up to <paramref name="to"/> (from first), or null when <paramref name="from"/> does not need it.</summary>
    private static List<string>? PathOfNeeds(WorkflowDocument doc, string from, string to)
    {
        var byId = doc.Steps.GroupBy(s => s.Id).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var parent = new Dictionary<string, string>(StringComparer.Ordinal);
        var queue = new Queue<string>();
        queue.Enqueue(from);
        var seen = new HashSet<string>(StringComparer.Ordinal) { from };
        while (queue.Count > 0)
        {
            var current = queue.Dequeue();
            if (current == to)
            {
                var path = new List<string> { to };
                while (parent.TryGetValue(path[^1], out var p)) path.Add(p);
                path.Reverse();
                return path;
            }
            if (!byId.TryGetValue(current, out var step)) continue;
            foreach (var need in step.Needs)
                if (seen.Add(need))
                {
                    parent[need] = current;
                    queue.Enqueue(need);
                }
        }
        return null;
    }
}
