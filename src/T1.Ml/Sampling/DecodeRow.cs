using System.Diagnostics;
using System.Threading.Channels;
using T1.Ml.Tokenization;
using static TorchSharp.torch;

namespace T1.Ml.Sampling;

/// <summary>What a row does after a token: keeps decoding, is done, or must be prefilled again (a forced answer).</summary>
internal enum RowOutcome { Continue, Finished, Prefill }

/// <summary>
/// One choice of one request while it decodes: its sequence, the thinking and the answer as they grow, its own
/// random numbers (so a seeded choice draws the same whatever else is in the batch), and its output channel.
/// The thinking runs until <c>&lt;/think&gt;</c>; past <see cref="DecodeRequest.ThinkingBudget"/> it is cut and
/// the answer forced by <see cref="BudgetForcing"/>, the rule evaluation uses.
/// </summary>
internal sealed class DecodeRow : IDisposable
{
    private readonly DecodeRequest _request;
    private readonly ITextTokenizer _tokenizer;
    private readonly BudgetForcing _forcing;
    private readonly ChannelWriter<DecodeDelta> _output;
    private readonly Action _onDone;
    private readonly List<int> _thinking = [];
    private readonly TextStream _reasoning;
    private readonly TextStream _content;
    private readonly int _maxTokens;
    private readonly int _maxPositions;
    private Generator? _generator;
    private bool _answering;
    private int _answerTokens;

    public DecodeRow(DecodeRequest request, int choice, ITextTokenizer tokenizer, BudgetForcing forcing, int maxPositions,
        ChannelWriter<DecodeDelta> output, Action onDone)
    {
        _request = request;
        Choice = choice;
        _tokenizer = tokenizer;
        _forcing = forcing;
        _output = output;
        _onDone = onDone;
        _maxPositions = maxPositions;
        _maxTokens = request.MaxTokens ?? int.MaxValue;
        _reasoning = new TextStream(tokenizer, []);
        _content = new TextStream(tokenizer, request.Stop);
        Sequence = [.. request.Prompt];
        Sampling = new SamplingOptions { Temperature = request.Temperature, TopP = request.TopP };
        Seed = request.Seed is { } s ? s + choice : System.Random.Shared.NextInt64();
        Random = new RowRandom(Seed);
    }

    public int Choice { get; }

    /// <summary>The ids to prefill: the prompt, later the prompt with the kept thinking and the answer prompt.</summary>
    public List<int> Sequence { get; private set; }

    /// <summary>Positions this row holds (prompt and every token fed or about to be fed).</summary>
    public int Length => Sequence.Count;

    public SamplingOptions Sampling { get; }
    public long Seed { get; }

    /// <summary>The row's own random numbers when its tokens are chosen on the host (<see cref="HostSampling"/>).</summary>
    public RowRandom Random { get; }
    public int TopLogProbs => _request.LogProbs ? _request.TopLogProbs : -1;
    public bool Cancelled => _request.Cancellation.IsCancellationRequested;
    public long Submitted { get; } = Stopwatch.GetTimestamp();
    public bool Started { get; set; }
    public long FirstToken { get; set; }
    public bool Done { get; private set; }
    public int Generated => _thinking.Count + _answerTokens;

    /// <summary>The row's own torch generator when its tokens are chosen on an accelerator.</summary>
    public Generator GeneratorOn(Device device) => _generator ??= new Generator((ulong)Seed, device);

    /// <summary>Takes the token chosen for this row; says what happens next.</summary>
    public RowOutcome Accept(int token, float logProb, IReadOnlyList<TopLogProb> top)
    {
        var sp = _tokenizer.Special;
        string reasoning = "", content = "";
        var logProbs = new List<TokenLogProb>(1);
        string? finish = null;
        var outcome = RowOutcome.Continue;
        if (!_answering)
        {
            if (token == sp.ThinkEnd)
            {
                _answering = true;
                reasoning = _reasoning.Flush();
                Sequence.Add(token);
            }
            else if (token == sp.EndOfText && !_request.IgnoreEos) finish = "stop";
            else if (_request.ThinkingBudget is { } budget && _thinking.Count >= budget)
            {
                // The thinking would pass its budget: cut it and force the answer, as evaluate does. The token
                // just drawn is dropped; the row is prefilled again with the prompt, the kept thinking and the answer prompt.
                int kept = _forcing.Keep(_thinking, budget);
                _thinking.RemoveRange(kept, _thinking.Count - kept);
                var answerPrompt = _forcing.AnswerPromptAfter(_thinking);
                int end = IndexOf(answerPrompt, sp.ThinkEnd);
                reasoning = _reasoning.Flush() + (end > 0 ? _tokenizer.Decode(answerPrompt.Take(end), skipSpecialTokens: true) : "");
                content = _content.Append(_tokenizer.Decode(answerPrompt.Skip(end + 1), skipSpecialTokens: true));
                Sequence = [.. _request.Prompt, .. _thinking, .. answerPrompt];
                _answering = true;
                outcome = Length >= _maxPositions ? RowOutcome.Finished : RowOutcome.Prefill;
                if (outcome == RowOutcome.Finished) finish = "length";
            }
            else
            {
                _thinking.Add(token);
                reasoning = _reasoning.Add(token);
                Sequence.Add(token);
            }
        }
        else if (token == sp.EndOfText && !_request.IgnoreEos) finish = "stop";
        else
        {
            _answerTokens++;
            Sequence.Add(token);
            content = _content.Add(token);
            if (_request.LogProbs) logProbs.Add(new TokenLogProb(_tokenizer.Decode([token]), logProb, top));
            if (_content.Stopped) finish = "stop";
        }
        if (finish is null && outcome != RowOutcome.Prefill && (Generated >= _maxTokens || Length >= _maxPositions)) finish = "length";
        if (finish is not null)
        {
            reasoning += _reasoning.Flush();
            content += _content.Flush();
            outcome = RowOutcome.Finished;
        }
        if (reasoning.Length > 0 || content.Length > 0 || logProbs.Count > 0 || finish is not null)
            _output.TryWrite(new DecodeDelta(Choice, reasoning, content, logProbs, finish,
                finish is null ? null : new DecodeUsage(_request.Prompt.Count, Generated, _thinking.Count)));
        if (finish is not null) Finish();
        return outcome;
    }

    /// <summary>Ends the row without output (cancelled) or with an error; idempotent.</summary>
    public void Finish()
    {
        if (Done) return;
        Done = true;
        _onDone();
    }

    /// <summary>Ends the whole request with <paramref name="error"/> (the engine failed).</summary>
    public void Fail(Exception error)
    {
        if (Done) return;
        Done = true;
        _output.TryComplete(error);
    }

    private static int IndexOf(IReadOnlyList<int> ids, int id)
    {
        for (int i = 0; i < ids.Count; i++) if (ids[i] == id) return i;
        return -1;
    }

    public void Dispose() => _generator?.Dispose();
}
