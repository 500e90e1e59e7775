using System.Text.Json.Nodes;
using T1.Storage.Database;
using T1.Workflows.Engine;
using T1.Workflows.Steps;

namespace T1.Server.Api;

public sealed record StepInputView(string Name, string Kind, string? ElementKind, bool Required, object? Default, double? Minimum, double? Maximum, IReadOnlyList<string>? OneOf, string Description);

public sealed record StepOutputView(string Name, string Kind, string Description);

public sealed record StepTypeView(string Name, string Category, string Description, int Version, string DefaultQueue,
    IReadOnlyList<StepInputView> Inputs, IReadOnlyList<StepOutputView> Outputs)
{
    public static StepTypeView From(StepTypeDescriptor d) => new(d.Name, d.Category, d.Description, d.Version, d.DefaultQueue,
        d.Inputs.Select(i => new StepInputView(i.Name, Kind(i.Kind), i.ElementKind is { } e ? Kind(e) : null, i.Required,
            i.DefaultValue is TimeSpan t ? Durations.Format(t) : i.DefaultValue, i.Minimum, i.Maximum, i.OneOf, i.Description)).ToList(),
        d.Outputs.Select(o => new StepOutputView(o.Name, Kind(o.Kind), o.Description)).ToList());

    public static string Kind(ValueKind k) => k.ToString().ToLowerInvariant();
}

public sealed record DefinitionView(long Id, string Name, int Version, string ContentHash, string? Schedule, DateTime CreatedAt)
{
    public static DefinitionView From(DefinitionRecord d) => new(d.Id, d.Name, d.Version, d.ContentHash, d.Schedule, d.CreatedAt);
}

public sealed record RunView(string Id, string Workflow, int Version, RunStatus Status, RunTrigger Trigger, JsonNode? Params,
    DateTime CreatedAt, DateTime? FinishedAt, double? DurationSeconds, string? Error, string? StartedBy, string? Note)
{
    public static RunView From(RunRecord r) => new(r.Id, r.WorkflowName, r.DefinitionVersion, r.Status, r.Trigger, JsonNode.Parse(r.ParamsJson),
        r.CreatedAt, r.FinishedAt, r.FinishedAt is { } f ? (f - r.CreatedAt).TotalSeconds : null, r.Error, r.StartedBy, r.Note);
}

public sealed record StepRunView(string Id, string Type, string Queue, StepStatus Status, int Attempt, bool Cached, string? CachedFromRun,
    DateTime? StartedAt, DateTime? FinishedAt, double? DurationSeconds, JsonNode? Inputs, JsonNode? Outputs, string? Error,
    double? ProgressDone, double? ProgressTotal, string? ProgressMessage)
{
    public static StepRunView From(StepRunRecord s) => new(s.StepId, s.StepType, s.Queue, s.Status, s.Attempt, s.CachedFromRunId is not null,
        s.CachedFromRunId, s.StartedAt, s.FinishedAt, s.StartedAt is { } a && s.FinishedAt is { } b ? (b - a).TotalSeconds : null,
        s.InputsJson is null ? null : JsonNode.Parse(s.InputsJson), s.OutputsJson is null ? null : JsonNode.Parse(s.OutputsJson),
        s.Error, s.ProgressDone, s.ProgressTotal, s.ProgressMessage);
}

public sealed record ArtifactView(string Step, string Name, string Kind, string Layout, long Size, string Sha256, string Uri)
{
    public static ArtifactView From(ArtifactRecord a) => new(a.StepId, a.Name, a.Kind, a.Layout, a.Size, a.Sha256, new ArtifactRef(a.Sha256).ToString());
}

public sealed record RunDetailsView(RunView Run, IReadOnlyList<StepRunView> Steps, IReadOnlyList<ArtifactView> Artifacts)
{
    public static RunDetailsView From(RunDetails d) => new(RunView.From(d.Run), d.Steps.Select(StepRunView.From).ToList(), d.Artifacts.Select(ArtifactView.From).ToList());
}

/// <summary>Answer of <c>POST /api/definitions/validate</c> for a valid workflow.</summary>
public sealed record ValidationView(bool Valid, string Name, int Steps, string ContentHash);

/// <summary>One metric point of a step run.</summary>
public sealed record MetricPointView(long StepRunId, string Key, long Step, double? Value, DateTime Time);

/// <summary>One state transition of a run (StepId null) or of one of its steps.</summary>
public sealed record TransitionView(string? StepId, int? Attempt, string? From, string To, DateTime At, string By, string? Reason);

/// <summary>One log line of a step attempt.</summary>
public sealed record LogLineView(int Attempt, DateTime Time, string Level, string Message);
