using System.Globalization;
using T1.Ml.Synthesis;
using T1.Ml.Synthesis.Teacher;
using T1.Workflows.Steps;

namespace T1.Ml.Steps;

/// <summary>
/// <c>synthesize</c> with task jsonl: teacher synthesis of imported problems. Every response is appended to a work
/// file in the step's folder as it arrives (flushed), and the file is stored as the <c>responses</c> artifact every
/// minute and when the step stops, so a retried or resumed step — on this host or another — asks only for the rest.
/// </summary>
public sealed partial class SynthesizeStep
{
    /// <summary>Every teacher response, accepted or not, with its verdict, tokens and cost; also the resume state.</summary>
    public const string ResponsesArtifact = "responses";

    /// <summary>The work file's name in the step's folder (kept across attempts on one host).</summary>
    public const string WorkFileName = "teacher-work.jsonl";

    private static readonly TimeSpan SnapshotEvery = TimeSpan.FromMinutes(1);

    private static async Task<StepResult> RunTeacherAsync(Inputs inputs, StepContext context, CancellationToken cancellationToken)
    {
        string At(string message) => $"step '{context.StepId}': {message}";
        if (string.IsNullOrWhiteSpace(inputs.Source))
            throw new StepFailedException(At("task jsonl needs source: the path of a JSONL file of training problems on the worker"));
        if (string.IsNullOrWhiteSpace(inputs.TeacherUrl) || string.IsNullOrWhiteSpace(inputs.TeacherModel))
            throw new StepFailedException(At("task jsonl writes its traces with a teacher model: set teacher_url (an OpenAI-compatible API such as http://host:5000/v1) and teacher_model"));
        var options = new TeacherOptions
        {
            BaseUrl = inputs.TeacherUrl, Model = inputs.TeacherModel, ApiKey = string.IsNullOrWhiteSpace(inputs.TeacherApiKey) ? null : inputs.TeacherApiKey,
            TracesPerProblem = inputs.TracesPerProblem, Concurrency = inputs.TeacherConcurrency, MaxTokens = inputs.TeacherMaxTokens,
            Temperature = inputs.TeacherTemperature, Seed = inputs.Seed, RequestTimeout = inputs.TeacherTimeout, Retries = inputs.TeacherRetries,
            SystemPrompt = inputs.TeacherSystemPrompt, PricePromptPerMillion = inputs.PricePrompt, PriceCompletionPerMillion = inputs.PriceCompletion,
            MaxTokensField = inputs.TeacherMaxTokensField, MaxRetryAfter = inputs.TeacherMaxRetryAfter,
        };
        string? key;
        try
        {
            options.Validate();
            key = options.ApiKey is null ? null : ApiKeySource.Parse(options.ApiKey).Resolve();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException) { throw new StepFailedException(At(e.Message)); }
        var sourcePath = inputs.Source;
        if (ArtifactRef.TryParse(inputs.Source, out var artifact)) sourcePath = await context.Artifacts.GetLocalPathAsync(artifact, cancellationToken);
        else if (!File.Exists(sourcePath)) throw new StepFailedException(At($"source '{inputs.Source}' does not exist on this worker"));
        var problems = StepProblems.FromFile(sourcePath, inputs.Count, inputs.Source, inputs.PromptField, inputs.AnswerField, inputs.IdField).Problems;
        if (problems.Count == 0) throw new StepFailedException(At($"source '{inputs.Source}' has no problems"));

        var folder = context.StepDirectory ?? context.WorkDirectory;
        Directory.CreateDirectory(folder);
        using var work = new TeacherWorkFile(Path.Combine(folder, WorkFileName));
        var merged = await context.Artifacts.TryGetEarlierOutputAsync(ResponsesArtifact, cancellationToken) is { } earlier ? work.Merge(earlier) : 0;
        var total = problems.Count * options.TracesPerProblem;
        var done = work.Records.Count;
        if (done > 0)
            context.Log.Info($"resuming: {done} of {total} teacher responses were finished by an earlier attempt ({work.Recovered} in the work file, {merged} more from its stored responses); asking for the other {total - done}");
        context.Log.Info(string.Create(CultureInfo.InvariantCulture,
            $"teacher synthesis: {problems.Count} problems from {inputs.Source} × {options.TracesPerProblem} responses from {options.Model} at {options.BaseUrl}, {options.Concurrency} at a time, temperature {options.Temperature}, max_tokens {options.MaxTokens}"));

        var metricsLock = new Lock();
        int finished = done, accepted = work.Records.Count(r => r.Accepted);
        using var client = new TeacherClient(options, key, context.Log.Warn);
        var synthesizer = new TeacherSynthesizer(options, client)
        {
            OnTrace = r =>
            {
                lock (metricsLock)
                {
                    finished++;
                    if (r.Accepted) accepted++;
                    long step = (long)r.Problem * options.TracesPerProblem + r.Sample;
                    context.Metrics.Log("trace_accepted", step, r.Accepted ? 1 : 0);
                    context.Metrics.Log("trace_prompt_tokens", step, r.PromptTokens);
                    context.Metrics.Log("trace_completion_tokens", step, r.CompletionTokens);
                    if (options.PricePromptPerMillion > 0 || options.PriceCompletionPerMillion > 0) context.Metrics.Log("trace_cost", step, r.Cost);
                    context.ReportProgress(finished, total, string.Create(CultureInfo.InvariantCulture, $"teacher responses, {accepted} accepted"));
                }
            },
        };

        using (var stopSnapshots = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            var snapshots = SnapshotLoopAsync(work, context, stopSnapshots.Token);
            try { await synthesizer.RunAsync(problems, work, cancellationToken); }
            catch (Exception e) when (e is OperationCanceledException or TeacherProtocolException)
            {
                await stopSnapshots.CancelAsync();
                await snapshots;
                await SnapshotAsync(work, context, CancellationToken.None);
                if (e is TeacherProtocolException) throw new StepFailedException(At(e.Message));
                throw;
            }
            await stopSnapshots.CancelAsync();
            await snapshots;
        }

        var records = work.Records;
        var summary = TeacherSummary.Of(problems.Count, records);
        var responses = Path.Combine(context.WorkDirectory, "responses.jsonl");
        work.WriteOrdered(responses);
        await context.Artifacts.PutFileAsync(ResponsesArtifact, responses, "teacher-responses", cancellationToken);
        LogSummary(context, summary);
        var traces = TeacherSynthesizer.Dataset(problems, records);
        if (traces.Count == 0)
        {
            var reasons = records.GroupBy(r => r.Reason).OrderByDescending(g => g.Count()).Take(3).Select(g => $"{g.Count()}× {g.Key}");
            throw new StepFailedException(At($"the verifier accepted none of the {records.Count} teacher responses; most common reasons: {string.Join("; ", reasons)}. The responses are in the step's '{ResponsesArtifact}' artifact."));
        }
        var path = Path.Combine(context.WorkDirectory, "dataset.jsonl");
        await using (var file = new StreamWriter(path)) TraceJsonlWriter.Write(traces, file);
        var dataset = await context.Artifacts.PutFileAsync("dataset", path, "dataset", cancellationToken);
        File.Delete(work.Path); // the responses artifact holds it all now
        return new StepResult().Set("dataset", dataset).Set("count", traces.Count).Set("acceptance_rate", summary.AcceptanceRate);
    }

    private static void LogSummary(StepContext context, TeacherSummary summary)
    {
        context.Metrics.Log("acceptance_rate", 0, summary.AcceptanceRate);
        context.Metrics.Log("responses", 0, summary.Responses);
        context.Metrics.Log("accepted", 0, summary.Accepted);
        context.Metrics.Log("problems_solved", 0, summary.ProblemsSolved);
        context.Metrics.Log("prompt_tokens", 0, summary.PromptTokens);
        context.Metrics.Log("completion_tokens", 0, summary.CompletionTokens);
        context.Metrics.Log("cost", 0, summary.Cost);
        context.Log.Info(summary.ToString());
    }

    /// <summary>Stores the work file as the responses artifact every <see cref="SnapshotEvery"/>, for a resume on another host.</summary>
    private static async Task SnapshotLoopAsync(TeacherWorkFile work, StepContext context, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(SnapshotEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken)) await SnapshotAsync(work, context, cancellationToken);
        }
        catch (OperationCanceledException) { }
    }

    private static async Task SnapshotAsync(TeacherWorkFile work, StepContext context, CancellationToken cancellationToken)
    {
        try
        {
            var copy = Path.Combine(context.WorkDirectory, "responses-snapshot.jsonl");
            work.CopyTo(copy);
            await context.Artifacts.PutFileAsync(ResponsesArtifact, copy, "teacher-responses", cancellationToken);
        }
        catch (OperationCanceledException) { throw; }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Best effort: the work file on this host still has every finished response.
            context.Log.Warn($"could not store the teacher responses so far ({e.GetType().Name}: {e.Message}); the work file {work.Path} keeps them for a retry on this host");
        }
    }
}
