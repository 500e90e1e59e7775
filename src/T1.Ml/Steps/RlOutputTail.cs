using System.Text.Json;
using T1.Ml.Training;

namespace T1.Ml.Steps;

/// <summary>
/// The points rl's <c>accuracy</c> and <c>reward</c> outputs average: the last 10 % of the run's steps (at least one).
/// Saved beside each resumable state (<see cref="FileName"/>) and restored with it, so that a run resumed inside that
/// window averages the same points as an uninterrupted run, not only the ones its last attempt logged.
/// </summary>
internal sealed class RlOutputTail(long steps)
{
    public const string FileName = "rl-output-tail.json";

    /// <summary>Steps after this one are in the window.</summary>
    private readonly long _after = steps - Math.Max(1, steps / 10);
    private readonly List<Point> _points = [];

    public sealed record Point(long Step, double Accuracy, double Reward);

    public IReadOnlyList<Point> Points => _points;

    public void Add(RlStepResult r)
    {
        if (r.Step > _after) _points.Add(new Point(r.Step, r.Accuracy, r.Reward));
    }

    public void Save(string directory) =>
        File.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(_points));

    /// <summary>The window's points up to <paramref name="step"/> from a saved state (none when it predates the window or this file).</summary>
    public void Restore(string directory, long step)
    {
        _points.Clear();
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return;
        _points.AddRange((JsonSerializer.Deserialize<List<Point>>(File.ReadAllText(path)) ?? []).Where(p => p.Step > _after && p.Step <= step));
    }
}
