using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using T1.Ml.Tasks;

namespace T1.Ml.Synthesis.Teacher;

/// <summary>
/// T1 synthesis with a teacher model: for each problem, <see cref="TeacherOptions.TracesPerProblem"/> teacher responses
/// to the recipe prompt (<see cref="TeacherPrompt"/>), <see cref="TeacherOptions.Concurrency"/> requests in flight;
/// each response is judged (<see cref="TeacherResponse.Judge"/>) and recorded in the work file as it arrives.
/// Requests already in the work file are not asked again (resume). Deterministic given the teacher's answers: each
/// request carries a seed derived from the seed, the problem's id and the sample number, and the dataset is the
/// accepted traces in problem-then-sample order, whatever order the answers came back in.
/// </summary>
public sealed class TeacherSynthesizer(TeacherOptions options, TeacherClient client)
{
    /// <summary>Told each finished response, after it is in the work file (from several threads at once).</summary>
    public Action<TeacherTraceRecord>? OnTrace { get; init; }

    /// <summary>Asks the teacher for every (problem, sample) the work file does not hold yet.</summary>
    /// <exception cref="TeacherProtocolException">The endpoint refuses requests or keeps failing; what finished is in the work file.</exception>
    public async Task RunAsync(IReadOnlyList<Problem> problems, TeacherWorkFile work, CancellationToken cancellationToken)
    {
        var pending = Enumerable.Range(0, problems.Count)
            .SelectMany(p => Enumerable.Range(0, options.TracesPerProblem).Select(s => (Problem: p, Sample: s)))
            .Where(k => !work.Contains(k));
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(pending, parallel, async (key, token) =>
        {
            var problem = problems[key.Problem];
            var completion = await client.CompleteAsync(TeacherPrompt.Messages(options.SystemPrompt, problem.Prompt), SeedOf(problem.Id, key.Sample), token);
            var verdict = TeacherResponse.Judge(problem, completion);
            var record = new TeacherTraceRecord(key.Problem, key.Sample, problem.Id, verdict.Accepted, verdict.Response, verdict.Extracted, verdict.Reason,
                completion.FinishReason, completion.PromptTokens, completion.CompletionTokens, options.Cost(completion.PromptTokens, completion.CompletionTokens));
            if (work.Append(record)) OnTrace?.Invoke(record);
        });
    }

    /// <summary>The accepted traces in problem-then-sample order, as SFT reads them.</summary>
    public static IReadOnlyList<SynthesizedTrace> Dataset(IReadOnlyList<Problem> problems, IEnumerable<TeacherTraceRecord> records) =>
        records.Where(r => r.Accepted && r.Response is not null && r.Problem < problems.Count)
            .OrderBy(r => r.Problem).ThenBy(r => r.Sample)
            .Select(r => Trace(problems[r.Problem], r.Response!))
            .ToList();

    private static SynthesizedTrace Trace(Problem problem, string response) =>
        new(problem.Prompt, response, problem.Answer, problem.Task, problem.Difficulty);

    /// <summary>The seed sent with sample <paramref name="sample"/> of a problem: stable across runs, resumes and orderings.</summary>
    public int SeedOf(string problemId, int sample)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{options.Seed}:{problemId}:{sample}"));
        return BinaryPrimitives.ReadInt32LittleEndian(hash) & int.MaxValue;
    }
}
