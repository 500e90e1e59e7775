using System.Diagnostics;
using System.Threading.Channels;
using T1.Ml.Model;
using T1.Ml.Tokenization;
using static TorchSharp.torch;

namespace T1.Ml.Sampling;

/// <summary>
/// Continuous batching for one loaded model: one decode loop on its own thread. A request's choices wait in a
/// queue, are prefilled together at the next step and join the running batch (<see cref="BatchKv"/>); each
/// step decodes one token for every row; rows that finish or whose client went away leave at once. A thinking
/// cut by its budget is prefilled again with the forced answer prompt and rejoins. Owns the model: dispose it.
/// </summary>
public sealed class DecodeEngine : IDisposable
{
    private readonly DecoderLM _model;
    private readonly ITextTokenizer _tokenizer;
    private readonly DecodeEngineOptions _options;
    private readonly BudgetForcing _forcing;
    private readonly KeyValuePair<string, object?> _tag;
    private readonly Channel<DecodeRow> _queue = Channel.CreateUnbounded<DecodeRow>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Queue<DecodeRow> _again = new(); // forced answers to prefill again (engine thread only)
    private readonly List<DecodeRow> _rows = [];     // in cache order (engine thread only)
    private readonly CancellationTokenSource _stop = new();
    private readonly Thread _thread;
    private readonly CpuDecodeStep? _cpu; // the decode step without libtorch, when the model is small, float32 and on the CPU
    private readonly HostSampling _hostSampling = new(); // engine thread only
    private KvCache? _cache;
    private Tensor? _logits; // (rows, V): next-token logits of every row; null while they are only in _hostLogits
    private float[]? _hostLogits; // the same, rows × V, as the managed step left them (made a tensor only when needed)
    private int _queued;
    private int _active;
    private long _steps;

    /// <param name="name">The model as metrics and errors name it (<c>name@vN</c>).</param>
    public DecodeEngine(DecoderLM model, ITextTokenizer tokenizer, DecodeEngineOptions options, string name)
    {
        _model = model;
        _model.FuseProjections(); // the engine owns the model and never trains it
        if (options.CpuFastPath) using (no_grad()) _cpu = CpuDecodeStep.TryCreate(_model);
        _tokenizer = tokenizer;
        _options = options;
        Name = name;
        _tag = new("model", name);
        _forcing = new BudgetForcing(tokenizer, Evaluation.BudgetEvaluationOptions.DefaultAnswerPrompt, BudgetForcing.CutAtToken);
        _thread = new Thread(Loop) { IsBackground = true, Name = "decode " + name };
        _thread.Start();
    }

    public string Name { get; }
    public DecoderLM Model => _model;
    public ITextTokenizer Tokenizer => _tokenizer;

    /// <summary>True when decode steps run in managed code (<see cref="DecodeEngineOptions.CpuFastPath"/>), false when through libtorch.</summary>
    public bool UsesCpuFastPath => _cpu is not null;

    /// <summary>Rows waiting to join the batch.</summary>
    public int Queued => Volatile.Read(ref _queued);

    /// <summary>Rows decoding now.</summary>
    public int Active => Volatile.Read(ref _active);

    /// <summary>Decode steps run so far.</summary>
    public long Steps => Interlocked.Read(ref _steps);

    /// <summary>
    /// Queues <paramref name="request"/> (validated against the model's context); the deltas of all its choices
    /// arrive on the returned reader, which completes when every choice has finished (or faults if the engine failed).
    /// Throws <see cref="DecodeQueueFullException"/> when the queue is full.
    /// </summary>
    public ChannelReader<DecodeDelta> Submit(DecodeRequest request)
    {
        request.Validate(_model.Config.MaxPositions);
        if (_stop.IsCancellationRequested) throw new ObjectDisposedException(nameof(DecodeEngine));
        if (Interlocked.Add(ref _queued, request.Choices) > _options.MaxQueued)
        {
            Interlocked.Add(ref _queued, -request.Choices);
            DecodeMetrics.Rejected.Add(1, _tag);
            throw new DecodeQueueFullException($"model {Name} has {Queued} choices waiting (the limit is {_options.MaxQueued}); retry shortly",
                TimeSpan.FromSeconds(1));
        }
        var output = Channel.CreateUnbounded<DecodeDelta>(new UnboundedChannelOptions { SingleWriter = true });
        int remaining = request.Choices;
        for (int i = 0; i < request.Choices; i++)
        {
            var row = new DecodeRow(request, i, _tokenizer, _forcing, _model.Config.MaxPositions, output.Writer,
                () => { if (Interlocked.Decrement(ref remaining) == 0) output.Writer.TryComplete(); });
            _queue.Writer.TryWrite(row);
        }
        return output.Reader;
    }

    private void Loop()
    {
        using var noGrad = no_grad();
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                if (_rows.Count == 0 && _again.Count == 0 && !WaitForWork()) break;
                Admit();
                if (_rows.Count > 0) Step();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                FailAll(e);
            }
        }
        FailAll(new ObjectDisposedException(nameof(DecodeEngine), $"model {Name} was unloaded"));
    }

    private bool WaitForWork()
    {
        try { return _queue.Reader.WaitToReadAsync(_stop.Token).AsTask().GetAwaiter().GetResult(); }
        catch (OperationCanceledException) { return false; }
    }

    /// <summary>Prefills waiting rows (forced answers first) up to the batch and prefill limits and joins them to the batch.</summary>
    private void Admit()
    {
        var joining = new List<DecodeRow>();
        int tokens = 0;
        while (_rows.Count + joining.Count < _options.MaxBatch)
        {
            DecodeRow? row;
            if (_again.Count > 0) row = _again.Peek();
            else if (!_queue.Reader.TryPeek(out row)) break;
            if (joining.Count > 0 && tokens + row.Length > _options.MaxPrefillTokens) break;
            if (_again.Count > 0) _again.Dequeue();
            else
            {
                _queue.Reader.TryRead(out _);
                Interlocked.Decrement(ref _queued);
                DecodeMetrics.QueueTime.Record(Stopwatch.GetElapsedTime(row.Submitted).TotalSeconds, _tag);
            }
            if (row.Cancelled) { End(row); continue; }
            joining.Add(row);
            tokens += row.Length;
        }
        if (joining.Count == 0) return;
        using var scope = NewDisposeScope();
        var cache = _model.NewCache(joining.Count, _model.Config.MaxPositions);
        var (ids, valid) = BatchKv.LeftPad(joining.Select(r => (IReadOnlyList<int>)r.Sequence).ToList(), _tokenizer.Special.Pad, _model.Device);
        var logits = _model.Forward(ids, cache, valid, lastOnly: true).select(1, 0); // (j, V)
        _cache = _cache is null ? cache : BatchKv.Concat(_model, [(_cache, _rows.Max(r => r.Length)), (cache, cache.Length)]);
        var all = _rows.Count == 0 ? logits : cat([Logits(), logits], 0);
        SetLogits(all.MoveToOuterDisposeScope());
        _rows.AddRange(joining);
        Volatile.Write(ref _active, _rows.Count);
    }

    /// <summary>One token for every row: choose, hand out, drop finished rows, feed the rest.</summary>
    private void Step()
    {
        using var scope = NewDisposeScope();
        int b = _rows.Count;
        DecodeMetrics.BatchSize.Record(b, _tag);
        int k = _rows.Max(r => r.TopLogProbs); // -1: no row asked for log-probabilities
        long[]? topIds = null;
        float[]? logpHost = null, topLogp = null;
        Tensor? next = null; // (b): for libtorch's step
        long[] nextHost;
        if (_hostLogits is not null || _model.Device.type == TorchSharp.DeviceType.CPU)
        {
            // Logits in host memory: every row chosen in managed code, one pass over its logits (HostSampling).
            // One float32 copy of the logits tensor, for both the choice and the log-probabilities (b, V).
            var last = _hostLogits is null || k >= 0 ? Logits().to(float32) : null;
            nextHost = ChooseOnHost(_hostLogits ?? last!.contiguous().data<float>().ToArray(), b);
            if (k >= 0)
            {
                next = tensor(nextHost, dtype: int64, device: last!.device);
                LogProbs(last, next, k, out logpHost, out topIds, out topLogp);
            }
        }
        else
        {
            var last = Logits().to(float32); // (b, V)
            next = Choose(last);             // (b)
            if (k >= 0) LogProbs(last, next, k, out logpHost, out topIds, out topLogp);
            nextHost = next.cpu().data<long>().ToArray(); // the step's one host sync when no log-probabilities are asked
        }
        Interlocked.Increment(ref _steps);
        DecodeMetrics.Tokens.Add(b, _tag);

        var keep = new List<long>(b);
        for (int j = 0; j < b; j++)
        {
            var row = _rows[j];
            if (!row.Started)
            {
                row.Started = true;
                row.FirstToken = Stopwatch.GetTimestamp();
                DecodeMetrics.TimeToFirstToken.Record(Stopwatch.GetElapsedTime(row.Submitted).TotalSeconds, _tag);
            }
            if (row.Cancelled) { End(row); continue; }
            IReadOnlyList<TopLogProb> top = row.TopLogProbs > 0
                ? Enumerable.Range(0, row.TopLogProbs).Select(i => new TopLogProb(_tokenizer.Decode([(int)topIds![j * k + i]]), topLogp![j * k + i])).ToList()
                : [];
            switch (row.Accept((int)nextHost[j], logpHost?[j] ?? float.NaN, top))
            {
                case RowOutcome.Continue: keep.Add(j); break;
                case RowOutcome.Prefill: _again.Enqueue(row); break;
                case RowOutcome.Finished: End(row); break;
            }
        }
        if (keep.Count == 0)
        {
            Clear();
            return;
        }
        if (keep.Count < b)
        {
            nextHost = keep.Select(j => nextHost[(int)j]).ToArray();
            _cache!.KeepRows(keep);
            next = next?.index_select(0, tensor(keep.ToArray(), dtype: int64, device: next.device));
            var kept = keep.Select(j => _rows[(int)j]).ToList();
            _rows.Clear();
            _rows.AddRange(kept);
        }
        int longest = _rows.Max(r => r.Length) - 1; // positions in the cache before this step's tokens are fed
        if (_cache!.Length - longest >= KvCache.PageSize || _cache.Length + 1 > _cache.Capacity)
            _cache = BatchKv.Concat(_model, [(_cache, longest)]); // drop slots that are padding for every row left
        if (_cpu is not null)
        {
            _logits?.Dispose();
            _logits = null;
            _hostLogits = _cpu.StepToHost(_cache, nextHost); // (b × V)
        }
        else SetLogits(_model.Forward((next ?? tensor(nextHost, dtype: int64, device: _model.Device)).unsqueeze(1), _cache, lastOnly: true).select(1, 0).MoveToOuterDisposeScope()); // (b, V)
        Volatile.Write(ref _active, _rows.Count);
    }

    /// <summary>The logits of every row as a tensor (b, V), made from the managed step's array the first time it is asked.</summary>
    private Tensor Logits()
    {
        _logits ??= tensor(_hostLogits!, [_rows.Count, _model.Config.VocabSize]).DetachFromDisposeScope(); // owned by the engine, like a step's
        return _logits;
    }

    private void SetLogits(Tensor logits)
    {
        _logits?.Dispose();
        _logits = logits;
        _hostLogits = null;
    }

    /// <summary>Each row's token from the host logits (rows × V): greedy rows by their first largest logit, sampled rows by their own <see cref="RowRandom"/>.</summary>
    private long[] ChooseOnHost(float[] logits, int rows)
    {
        int V = _model.Config.VocabSize;
        var ids = new long[rows];
        for (int r = 0; r < rows; r++)
        {
            var row = _rows[r];
            ids[r] = _hostSampling.Choose(logits.AsSpan(r * V, V), row.Sampling.Temperature, row.Sampling.TopP, row.Random);
        }
        return ids;
    }

    /// <summary>The log-probability of each row's choice, and the <paramref name="k"/> likeliest tokens' when k &gt; 0.</summary>
    private static void LogProbs(Tensor last, Tensor next, int k, out float[] chosen, out long[]? topIds, out float[]? topLogp)
    {
        var logp = last.log_softmax(-1); // (b, V)
        chosen = logp.gather(1, next.unsqueeze(1)).squeeze(1).cpu().data<float>().ToArray(); // (b)
        (topIds, topLogp) = (null, null);
        if (k == 0) return;
        var (values, indices) = logp.topk(k, dim: -1); // (b, k)
        topIds = indices.cpu().data<long>().ToArray();
        topLogp = values.cpu().data<float>().ToArray();
    }

    /// <summary>On an accelerator: greedy rows by one argmax; sampled rows each by <see cref="Sampler.Choose"/> with the row's own torch generator.</summary>
    private Tensor Choose(Tensor last)
    {
        var greedy = last.argmax(-1); // (b)
        if (_rows.All(r => r.Sampling.Temperature == 0)) return greedy;
        var picks = new Tensor[_rows.Count];
        for (int j = 0; j < _rows.Count; j++)
        {
            var row = _rows[j];
            picks[j] = row.Sampling.Temperature == 0
                ? greedy.narrow(0, j, 1)
                : Sampler.Choose(last.narrow(0, j, 1), row.Sampling, row.GeneratorOn(last.device));
        }
        return cat(picks, 0);
    }

    private void End(DecodeRow row)
    {
        if (row.Generated > 1 && !row.Cancelled)
            DecodeMetrics.ChoiceTokensPerSecond.Record((row.Generated - 1) / Math.Max(1e-9, Stopwatch.GetElapsedTime(row.FirstToken).TotalSeconds), _tag);
        row.Finish();
        row.Dispose();
    }

    private void Clear()
    {
        _rows.Clear();
        _cache?.Dispose();
        _cache = null;
        _logits?.Dispose();
        _logits = null;
        _hostLogits = null;
        Volatile.Write(ref _active, 0);
    }

    /// <summary>After a failure: every row in the batch and the queue ends with the error; the loop goes on with an empty batch.</summary>
    private void FailAll(Exception e)
    {
        var rows = _rows.Concat(_again).ToList();
        while (_queue.Reader.TryRead(out var queued))
        {
            Interlocked.Decrement(ref _queued);
            rows.Add(queued);
        }
        _again.Clear();
        Clear();
        foreach (var row in rows)
        {
            row.Fail(e);
            row.Dispose();
        }
    }

    public void Dispose()
    {
        if (_stop.IsCancellationRequested) return;
        _stop.Cancel();
        _queue.Writer.TryComplete();
        _thread.Join();
        _model.Dispose();
        _stop.Dispose();
    }
}
