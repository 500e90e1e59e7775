namespace T1.Workflows.Steps;

/// <summary>The type of a declared input or output value.</summary>
public enum ValueKind
{
    /// <summary>Infer from the CLR property type.</summary>
    Auto = 0,
    String,
    Integer,
    Number,
    Boolean,
    /// <summary>A duration such as <c>30s</c>, <c>5m</c>, <c>1h30m</c>; binds to <see cref="TimeSpan"/>.</summary>
    Duration,
    /// <summary>A reference to a stored artifact (<c>t1://artifacts/&lt;sha256&gt;</c>), usually from an upstream step's output.</summary>
    Artifact,
    /// <summary>A list of scalars; see <see cref="StepInputDescriptor.ElementKind"/>.</summary>
    List,
    /// <summary>A free-form mapping.</summary>
    Object,
}
