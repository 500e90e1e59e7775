namespace T1.Ml.Tasks;

/// <summary>Creates a problem source from the task name a workflow step gives (<c>task: countdown</c>).</summary>
public static class TaskRegistry
{
    public const string Arithmetic = "arithmetic";
    public const string Countdown = "countdown";
    public const string Linear = "linear";
    public const string Jsonl = "jsonl";

    public static IReadOnlyList<string> Names { get; } = [Arithmetic, Countdown, Jsonl, Linear];

    /// <exception cref="ArgumentException">Unknown task name or invalid options; the message says which.</exception>
    public static IProblemSource Create(string name, TaskOptions? options = null)
    {
        options ??= new TaskOptions();
        var task = name.Trim().ToLowerInvariant();
        if (!Names.Contains(task))
            throw new ArgumentException($"unknown task '{name}'; known tasks: {string.Join(", ", Names)}", nameof(name));
        options.Validate(task);
        return task switch
        {
            Arithmetic => new ArithmeticTask(options.Difficulty),
            Countdown => new CountdownTask(options.Difficulty),
            Linear => new LinearTask(options.Difficulty),
            _ => new JsonlProblemSource(options),
        };
    }
}
