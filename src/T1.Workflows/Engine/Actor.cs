namespace T1.Workflows.Engine;

/// <summary>Who made a state transition: recorded with it (<c>t1 show --history</c>).</summary>
public readonly record struct Actor(string Kind, string? Name = null)
{
    /// <summary>A person, through the CLI, API or portal.</summary>
    public static readonly Actor User = new("user");
    public static readonly Actor Schedule = new("schedule");
    /// <summary>The orchestrator moving a run forward (queue, skip, cache, finish).</summary>
    public static readonly Actor Engine = new("engine");

    public static Actor Worker(string name) => new("worker", name);
    public static Actor Reconciler(string name) => new("reconciler", name);

    public override string ToString() => Name is null ? Kind : $"{Kind} {Name}";
}
