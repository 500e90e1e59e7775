using T1.Ml.Compute;
using T1.Ml.Model;
using T1.Ml.Tokenization;
using static TorchSharp.torch;

namespace T1.Ml.Sampling;

/// <summary>
/// Batched autoregressive generation with a KV cache. Prompts of different lengths are left-padded;
/// each row generates exactly what it would generate alone (the cache masks pad slots). The cache grows
/// page by page with the longest length reached, and rows that finish leave the batch. All tensors
/// live on the model's device; one host sync per step reads the chosen tokens.
/// </summary>
public sealed class Sampler
{
    private readonly DecoderLM _model;
    private readonly ITextTokenizer? _tokenizer;

    private readonly int _workers;

    /// <param name="workers">
    /// parts of a batch decoded side by side (<see cref="CpuWorkers"/>; e.g. <c>CpuWorkers.For(device)</c>): the rows are
    /// cut into that many contiguous parts, part p drawing from seed <see cref="SamplingOptions.Seed"/> + p ·
    /// <see cref="PartSeedStride"/>. 1 (the default) decodes the batch as one, exactly as before; the outputs depend on the
    /// number of parts, as they do on the batch.
    /// </param>
    public Sampler(DecoderLM model, ITextTokenizer? tokenizer = null, int workers = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        _model = model;
        _tokenizer = tokenizer;
        _workers = workers;
    }

    /// <summary>What part p of a batch adds to the seed (part 0 keeps it).</summary>
    public const long PartSeedStride = 7_919;

    /// <summary>Encodes <paramref name="prompts"/> with the tokenizer and generates.</summary>
    public IReadOnlyList<SampledSequence> Generate(IReadOnlyList<string> prompts, SamplingOptions options)
    {
        var tok = _tokenizer ?? throw new InvalidOperationException("Text prompts need a tokenizer: construct the Sampler with one.");
        return Generate(prompts.Select(p => tok.Encode(p)).ToList(), options);
    }

    /// <summary>Generates one continuation per prompt (each prompt at least one token).</summary>
    public IReadOnlyList<SampledSequence> Generate(IReadOnlyList<IReadOnlyList<int>> prompts, SamplingOptions options)
    {
        options.Validate();
        int parts = Math.Min(_workers, prompts.Count);
        if (parts <= 1) return GenerateBatch(prompts, options);
        var list = prompts as List<IReadOnlyList<int>> ?? prompts.ToList();
        var pieces = CpuWorkers.Run(parts, parts, p =>
            GenerateBatch(list[CpuWorkers.Part(list.Count, parts, p)], options with { Seed = options.Seed + p * PartSeedStride }));
        return pieces.SelectMany(x => x).ToList();
    }

    private List<SampledSequence> GenerateBatch(IReadOnlyList<IReadOnlyList<int>> prompts, SamplingOptions options)
    {
        if (prompts.Count == 0) return [];
        if (prompts.Any(p => p.Count == 0)) throw new ArgumentException("Every prompt needs at least one token.", nameof(prompts));
        if (options.StopStrings.Count > 0 && _tokenizer is null) throw new InvalidOperationException("StopStrings need a tokenizer: construct the Sampler with one.");
        int B = prompts.Count, longest = prompts.Max(p => p.Count);
        int capacity = longest + options.MaxNewTokens;
        if (capacity > _model.Config.MaxPositions)
            throw new ArgumentException($"Prompt ({longest} tokens) + MaxNewTokens ({options.MaxNewTokens}) = {capacity} exceeds the model's MaxPositions {_model.Config.MaxPositions}.");
        var stopIds = new HashSet<int>(options.StopTokenIds);
        if (options.StopAtEndOfText && _tokenizer is not null) stopIds.Add(_tokenizer.Special.EndOfText);
        int maxStopChars = options.StopStrings.Count == 0 ? 0 : options.StopStrings.Max(s => s.Length);

        var tokens = Enumerable.Range(0, B).Select(_ => new List<int>()).ToArray();
        var logps = Enumerable.Range(0, B).Select(_ => new List<float>()).ToArray();
        var finish = new FinishReason?[B];
        var stopString = new string?[B];
        var device = _model.Device;
        using var generator = new Generator((ulong)options.Seed, device);
        using var noGrad = no_grad();
        using var cache = _model.NewCache(B, capacity);

        Tensor logits; // (b, 1, V) for the b rows still decoding
        using (var prefill = NewDisposeScope())
        {
            var (ids, valid) = BatchKv.LeftPad(prompts, _tokenizer?.Special.Pad ?? 0, device);
            logits = _model.Forward(ids, cache, valid, lastOnly: true).MoveToOuterDisposeScope();
        }
        var rows = Enumerable.Range(0, B).ToList(); // prompt index of each row still decoding
        for (int step = 0; step < options.MaxNewTokens; step++)
        {
            using var scope = NewDisposeScope();
            var last = logits.select(1, 0).to(float32);                    // (b, V)
            logits.Dispose();
            var next = Choose(last, options, generator, rows, B);           // (b)
            var lp = last.log_softmax(-1).gather(1, next.unsqueeze(1)).squeeze(1); // (b)
            var nextHost = next.cpu().data<long>().ToArray();
            var lpHost = lp.cpu().data<float>().ToArray();
            var keep = new List<long>(rows.Count);
            for (int j = 0; j < rows.Count; j++)
            {
                int b = rows[j], id = (int)nextHost[j];
                tokens[b].Add(id);
                logps[b].Add(lpHost[j]);
                if (stopIds.Contains(id)) finish[b] = FinishReason.Stop;
                else if (maxStopChars > 0 && FindStop(tokens[b], options.StopStrings, maxStopChars) is string s)
                {
                    finish[b] = FinishReason.Stop;
                    stopString[b] = s;
                }
                else if (tokens[b].Count >= options.MaxNewTokens) finish[b] = FinishReason.Length;
                if (finish[b] is null) keep.Add(j);
            }
            if (keep.Count == 0) { logits = empty(0); break; }
            if (keep.Count < rows.Count)
            {
                // Finished rows leave the batch: their cache slots are freed and they are not decoded again.
                cache.KeepRows(keep);
                next = next.index_select(0, tensor(keep.ToArray(), dtype: int64, device: device));
                rows = keep.Select(j => rows[(int)j]).ToList();
            }
            logits = _model.Forward(next.unsqueeze(1), cache, lastOnly: true).MoveToOuterDisposeScope();
        }
        logits.Dispose();
        return Enumerable.Range(0, B).Select(b => new SampledSequence(
            tokens[b], logps[b], finish[b] ?? FinishReason.Length, TextOf(tokens[b], stopString[b]), stopString[b])).ToList();
    }

    /// <summary>
    /// logits (b, V) float32 of the rows <paramref name="rows"/> of a batch of <paramref name="batch"/> → chosen ids (b):
    /// greedy at temperature 0, else min-p, top-p, then a draw. The draw is torch's multinomial (one sample, no
    /// replacement: argmax of p / q with q ~ Exp(1)) written out, with the noise drawn for the whole batch every step
    /// and the rows still decoding picked from it: a row gets the same draws whether or not other rows have finished.
    /// </summary>
    internal static Tensor Choose(Tensor logits, SamplingOptions o, Generator generator, IReadOnlyList<int>? rows = null, int? batch = null)
    {
        if (o.Temperature == 0) return logits.argmax(-1);
        var probs = logits.DividedBy(o.Temperature).softmax(-1); // (b, V)
        if (o.MinP > 0)
        {
            var floor = probs.amax([-1], keepdim: true).Times(o.MinP); // (b, 1)
            probs = probs.masked_fill(probs < floor, KeptScalars.Zero);
        }
        if (o.TopP < 1)
        {
            var (sorted, order) = probs.sort(-1, descending: true);        // (b, V)
            var before = sorted.cumsum(-1) - sorted;                        // mass strictly before each token
            sorted = sorted.masked_fill(before.AtLeastMask(o.TopP), KeptScalars.Zero); // the top token always stays
            probs = zeros_like(probs).scatter_(-1, order, sorted);
        }
        long b = probs.shape[0], n = batch ?? b;
        var noise = empty([n, probs.shape[1]], dtype: probs.dtype, device: probs.device).exponential_(1.0, generator); // (B, V)
        if (n != b)
        {
            var index = tensor((rows ?? throw new ArgumentException("rows are needed when the batch has shrunk")).Select(r => (long)r).ToArray(), dtype: int64, device: probs.device);
            noise = noise.index_select(0, index); // (b, V)
        }
        return (probs / noise).argmax(-1); // (b)
    }

    private string? FindStop(List<int> generated, IReadOnlyList<string> stops, int maxStopChars)
    {
        // A stop string is found on the step its last character appears; the tail window covers it
        // (each token decodes to at least one byte).
        int window = Math.Min(generated.Count, maxStopChars * 4 + 4);
        var tail = _tokenizer!.Decode(generated.GetRange(generated.Count - window, window), skipSpecialTokens: true);
        return stops.FirstOrDefault(s => tail.Contains(s, StringComparison.Ordinal));
    }

    private string? TextOf(List<int> generated, string? stop)
    {
        if (_tokenizer is null) return null;
        var text = _tokenizer.Decode(generated, skipSpecialTokens: true);
        if (stop is null) return text;
        int at = text.IndexOf(stop, StringComparison.Ordinal);
        return at < 0 ? text : text[..(at + stop.Length)];
    }
}
