using System.ComponentModel.DataAnnotations;
using T1.Ml.Synthesis.Teacher;
using T1.Workflows.Steps;

namespace T1.Ml.Steps;

/// <summary>The teacher inputs of <c>synthesize</c> (task jsonl): where the problems are, and the teacher endpoint.</summary>
public sealed partial class SynthesizeStep
{
    public sealed partial class Inputs
    {
        [StepInput(Data = DataRole.Training, Description = "jsonl only: the training problems — a JSONL file on the worker or a dataset artifact (MATH-style problem/answer, GSM8K question/answer with '#### N', or any file with prompt_field and answer_field) — never a benchmark that an evaluate step reads.")]
        public string? Source { get; set; }

        [StepInput(Advanced = true, Description = "jsonl only: the field with the problem text; empty = the first of prompt, problem, question that the file's first record has.")]
        public string PromptField { get; set; } = "";

        [StepInput(Advanced = true, Description = "jsonl only: the field with the reference answer (GSM8K's worked answer is read after '####').")]
        public string AnswerField { get; set; } = "answer";

        [StepInput(Advanced = true, Description = "jsonl only: an optional field with a stable problem id (e.g. unique_id); a hash of the problem text otherwise.")]
        public string? IdField { get; set; }

        [StepInput(Description = "jsonl only: base URL of the teacher's OpenAI-compatible API, up to /v1 (e.g. http://gpu-host:5000/v1 for t1 serve).")]
        public string? TeacherUrl { get; set; }

        [StepInput(Description = "jsonl only: the teacher model's id at that endpoint (for t1 serve: a registry model name, NAME@vN or an alias).")]
        public string? TeacherModel { get; set; }

        [StepInput(Description = "jsonl only: where the worker reads the teacher's API key — env:NAME (an environment variable) or secret:NAME (a file in $T1_SECRETS_DIR, default /run/secrets); never the key itself. Empty for an endpoint without auth.")]
        [RegularExpression(ApiKeySource.Pattern, ErrorMessage = ApiKeySource.PatternMessage)]
        public string? TeacherApiKey { get; set; }

        [StepInput(Description = "jsonl only: teacher responses asked for per problem; each is verified and the correct ones kept (rejection sampling).")]
        [Range(1, TeacherOptions.MaxTracesPerProblem)]
        public int TracesPerProblem { get; set; } = TeacherOptions.DefaultTracesPerProblem;

        [StepInput(Advanced = true, Description = "jsonl only: teacher requests in flight at once.")]
        [Range(1, TeacherOptions.MaxConcurrency)]
        public int TeacherConcurrency { get; set; } = TeacherOptions.DefaultConcurrency;

        [StepInput(Advanced = true, Description = "jsonl only: most tokens per teacher response (max_tokens); a response cut there is rejected.")]
        [Range(1, 1_000_000)]
        public int TeacherMaxTokens { get; set; } = TeacherOptions.DefaultMaxTokens;

        [StepInput(Advanced = true, Description = "jsonl only: the request field of that limit: auto (max_completion_tokens for o-series and gpt-5 models, or when the endpoint asks for it; max_tokens otherwise), max_tokens or max_completion_tokens.",
            OneOf = [TeacherOptions.FieldAuto, TeacherOptions.FieldMaxTokens, TeacherOptions.FieldMaxCompletionTokens])]
        public string TeacherMaxTokensField { get; set; } = TeacherOptions.FieldAuto;

        [StepInput(Advanced = true, Description = "jsonl only: the longest Retry-After the step waits; an endpoint that asks for longer (a rate limit reset an hour away) fails the step at once, saying so, and a later retry of the step continues from the finished traces.")]
        public TimeSpan TeacherMaxRetryAfter { get; set; } = TeacherOptions.DefaultMaxRetryAfter;

        [StepInput(Advanced = true, Description = "jsonl only: the teacher's sampling temperature.")]
        [Range(0.0, 2.0)]
        public double TeacherTemperature { get; set; } = TeacherOptions.DefaultTemperature;

        [StepInput(Advanced = true, Description = "jsonl only: one request's time limit; a request over it is cancelled and retried.")]
        public TimeSpan TeacherTimeout { get; set; } = TimeSpan.FromMinutes(10);

        [StepInput(Advanced = true, Description = "jsonl only: retries of a request after 429, 5xx, a timeout or a lost connection (exponential back-off with jitter, or the server's Retry-After).")]
        [Range(0, 100)]
        public int TeacherRetries { get; set; } = TeacherOptions.DefaultRetries;

        [StepInput(Advanced = true, Description = "jsonl only: the system message sent before each problem; the default is the T1 recipe (attempt, verify, critique, retry, then Final answer: \\boxed{}). Empty sends the problem alone.")]
        public string TeacherSystemPrompt { get; set; } = TeacherPrompt.System;

        [StepInput(Advanced = true, Description = "jsonl only: price per million prompt tokens, for the cost metrics (0 = not tracked).")]
        [Range(0.0, 1_000_000.0)]
        public double PricePrompt { get; set; }

        [StepInput(Advanced = true, Description = "jsonl only: price per million completion tokens (thinking included), for the cost metrics.")]
        [Range(0.0, 1_000_000.0)]
        public double PriceCompletion { get; set; }
    }
}
