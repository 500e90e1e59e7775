using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using T1.Ml.Tasks;

namespace T1.Ml.Synthesis;

/// <summary>
/// Writes T1-style trial-and-error traces: inside &lt;think&gt;, attempts that are really wrong, each followed by a
/// true check and a one-line reflection, then the verified attempt, then <c>Final answer: \boxed{X}</c>.
/// Every trace's final answer is run through <see cref="ResponseGrader"/> before it is returned.
/// Deterministic: a trace depends only on the seed and the problem id, not on the order of problems.
/// </summary>
public sealed class TraceSynthesizer
{
    private static readonly IReadOnlyDictionary<string, ITraceWriter> Writers =
        new ITraceWriter[] { new ArithmeticTraces(), new CountdownTraces(), new LinearTraces() }.ToDictionary(w => w.Task);

    private readonly SynthesisOptions _options;

    public TraceSynthesizer(SynthesisOptions options)
    {
        options.Validate();
        _options = options;
    }

    /// <summary>Tasks with a trace writer; imported JSONL problems have no computable steps to show.</summary>
    public static IReadOnlyCollection<string> SupportedTasks => Writers.Keys.ToList();

    /// <summary>Draws <paramref name="count"/> distinct training-split problems of <paramref name="task"/> and writes their traces.</summary>
    public IEnumerable<SynthesizedTrace> SynthesizeTask(string task, int count)
    {
        var source = TaskRegistry.Create(task, new TaskOptions { Difficulty = _options.Difficulty });
        return Synthesize(ProblemSets.Take(source, ProblemSplit.Train, count, _options.Seed));
    }

    public IEnumerable<SynthesizedTrace> Synthesize(IEnumerable<Problem> problems) => problems.Select(Synthesize);

    /// <exception cref="NotSupportedException">The problem's task has no trace writer.</exception>
    public SynthesizedTrace Synthesize(Problem problem)
    {
        if (!Writers.TryGetValue(problem.Task, out var writer))
            throw new NotSupportedException($"synthesis supports the tasks {string.Join(", ", Writers.Keys)}; problem '{problem.Id}' is task '{problem.Task}'");
        var random = new Random(StableSeed(problem.Id));
        var wrong = _options.AttemptsMax == 1 || random.NextDouble() < _options.FirstTryCorrectShare
            ? 0 : random.Next(1, _options.AttemptsMax);
        var (lines, answer) = writer.Write(problem, wrong, random);
        var response = TraceText.Response(lines, answer);
        var verdict = ResponseGrader.Grade(problem, response);
        if (!verdict.IsCorrect)
            throw new InvalidOperationException($"synthesised trace for '{problem.Id}' failed verification ({verdict.Reason}); this is a bug in the {problem.Task} trace writer");
        return new SynthesizedTrace(problem.Prompt, response, answer, problem.Task, problem.Difficulty);
    }

    private int StableSeed(string problemId)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{_options.Seed}:{problemId}"));
        return BinaryPrimitives.ReadInt32LittleEndian(hash);
    }
}
