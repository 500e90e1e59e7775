using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using T1.Workflows.Definitions.Validation;
using T1.Workflows.Steps;
using YamlDotNet.Core;

namespace T1.Workflows.Definitions;

/// <summary>
/// Parses and validates workflow YAML. Every problem in the file is reported in one pass, each at
/// its 1-based line and column; a <see cref="WorkflowDefinition"/> is returned only when there are none.
/// Step types are known only through the <see cref="StepCatalog"/>.
/// </summary>
public static partial class WorkflowLoader
{
    public static WorkflowLoadResult LoadFile(string path, StepCatalog catalog) =>
        Load(File.ReadAllText(path), path, catalog);

    public static WorkflowLoadResult Load(string yamlText, string fileName, StepCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(yamlText);
        ArgumentNullException.ThrowIfNull(catalog);
        var bag = new DiagnosticBag(fileName);
        YNode? root;
        try
        {
            root = YamlTree.Parse(yamlText);
        }
        catch (YamlException e)
        {
            var (line, column) = e.Message.Contains("tab", StringComparison.OrdinalIgnoreCase) && FirstTabIndent(yamlText) is { } tab
                ? tab : ((int)e.Start.Line, (int)e.Start.Column);
            bag.Error(line, column, "invalid YAML: " + CleanMessage(e));
            return new WorkflowLoadResult(null, bag.Sorted());
        }

        var draft = WorkflowReader.Read(root, bag);
        if (draft is null) return new WorkflowLoadResult(null, bag.Sorted());

        foreach (var step in draft.Steps.Where(s => s.UsesNode is not null))
        {
            step.Type = catalog.Find(step.UsesNode!.Value);
            if (step.Type is null)
                bag.Error(step.UsesNode, $"{step.Label}: unknown step type '{step.UsesNode.Value}'{UnknownTypeHint(step.UsesNode.Value, catalog)}");
        }
        var graph = StepGraph.Build(draft.Steps, bag);
        var expressions = new ExpressionValidator(draft, graph, bag, yamlText);
        var inputs = new InputValidator(bag, expressions.KindOf, expressions.ParamDefault);
        foreach (var step in draft.Steps)
        {
            if (step.Type is not null) inputs.Validate(step, step.Type);
            expressions.Validate(step);
        }
        if (!bag.HasErrors) TrainingDataLeaks.Validate(draft, bag);

        return new WorkflowLoadResult(bag.HasErrors ? null : Build(draft, yamlText, fileName), bag.Sorted());
    }

    private static string UnknownTypeHint(string name, StepCatalog catalog)
    {
        var names = catalog.All.Select(t => t.Name).ToList();
        return Suggestions.Closest(name, names) is { } s ? $"; did you mean '{s}'?" : $"; known step types: {string.Join(", ", names.Order(StringComparer.Ordinal))}";
    }

    private static WorkflowDefinition Build(DraftWorkflow draft, string source, string fileName)
    {
        var @params = new OrderedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        foreach (var (key, value) in draft.Params) @params[key.Value] = YamlValues.ToJson(value);
        var steps = draft.Steps.Select(s => new StepDefinition
        {
            Id = s.Id!,
            Uses = s.Type!.Name,
            Needs = s.Needs.Select(n => n.Value).ToList(),
            Queue = s.Queue ?? s.Type.DefaultQueue,
            Retry = s.Retry,
            Cache = s.Cache,
            Timeout = s.Timeout,
            With = s.With is null ? new JsonObject() : YamlValues.ToObject(s.With),
            DataInputs = s.Type.Inputs.Where(i => i.Data != DataRole.None).ToDictionary(i => i.Name, i => i.Data),
            Line = s.Node.Line,
            Column = s.Node.Column,
        }).ToList();
        return new WorkflowDefinition(draft.Name!, draft.Description, draft.Schedule,
            new System.Collections.ObjectModel.ReadOnlyDictionary<string, JsonNode?>(@params), steps, source, fileName);
    }

    /// <summary>YamlDotNet places "invalid tab as indentation" at the start of the enclosing mapping; find the tab itself.</summary>
    private static (int Line, int Column)? FirstTabIndent(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t', 0, indent);
            if (tab >= 0) return (i + 1, tab + 1);
        }
        return null;
    }

    /// <summary>YamlDotNet prefixes "(Line: 3, Col: 5, Idx: 20) - (Line: …): "; the diagnostic carries the position already.</summary>
    private static string CleanMessage(YamlException e)
    {
        var message = PositionPrefix().Replace(e.Message, "").Trim();
        if (message.Length > 0) message = char.ToLowerInvariant(message[0]) + message[1..];
        return message.TrimEnd('.');
    }

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\):\s*")]
    private static partial Regex PositionPrefix();
}
