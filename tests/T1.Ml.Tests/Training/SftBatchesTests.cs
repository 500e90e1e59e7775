using T1.Ml.Compute;
using T1.Ml.Model;
using T1.Ml.Tests.Model;
using T1.Ml.Tokenization;
using T1.Ml.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace T1.Ml.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class SftBatchesTests
{
    private static readonly BpeTextTokenizer Tokenizer = BpeTrainer.Train(
        ["Compute 3+4.\n", "<think>\nTry: 3+4=7.\nCheck: 3+4=7, correct.\n</think>\nFinal answer: \\boxed{7}"], vocabSize: 300);

    [Fact]
    public void Collate_PutsLossExactlyOnResponseTokensAndEndOfText_NotOnPromptOrPadding()
    {
        var (ids, promptLength) = ChatFormat.EncodeExample(Tokenizer, "Compute 3+4.", "Final answer: \\boxed{7}");
        var shortOne = new EncodedExample(ids[..(promptLength + 2)], promptLength);
        using var batch = SftBatch.Collate([new EncodedExample(ids, promptLength), shortOne], Tokenizer.Special.Pad, CPU);
        long T = ids.Length - 1;
        Assert.Equal(new long[] { 2, T }, batch.Inputs.shape);
        var mask = TensorValues.Floats(batch.Mask);
        var targets = batch.Targets.data<long>().ToArray();
        for (int t = 0; t < T; t++)
        {
            // Target t is token t+1: it carries loss when token t+1 belongs to the response (index ≥ prompt length).
            Assert.Equal(t + 1 >= promptLength ? 1f : 0f, mask[t]);
            Assert.Equal(ids[t + 1], targets[t]);
            Assert.Equal(t + 1 >= promptLength && t + 1 < promptLength + 2 ? 1f : 0f, mask[T + t]); // short row: padding has no loss
        }
        Assert.Equal(Tokenizer.Special.EndOfText, (int)targets[T - 1]); // the end of text is a target
        Assert.Equal(ids.Length - promptLength + 2, batch.TargetTokens);
        Assert.Equal((int)T + promptLength + 1, batch.Tokens);
    }

    [Fact]
    public void Loss_IgnoresPromptTargets_ButNotResponseTargets()
    {
        torch.manual_seed(1);
        using var model = new DecoderLM(TestConfigs.Micro(vocab: Tokenizer.VocabSize));
        var (ids, promptLength) = ChatFormat.EncodeExample(Tokenizer, "Compute 3+4.", "Final answer: \\boxed{7}");
        using var batch = SftBatch.Collate([new EncodedExample(ids, promptLength)], Tokenizer.Special.Pad, CPU);
        using var _ = no_grad();
        var logits = model.forward(batch.Inputs);
        var baseline = TensorValues.Float(SftLoss.Sum(logits, batch.Targets, batch.Mask));

        var promptChanged = batch.Targets.clone();
        for (int t = 0; t < promptLength - 1; t++) promptChanged[0, t] = tensor((long)((ids[t + 1] + 7) % Tokenizer.VocabSize));
        Assert.Equal(baseline, TensorValues.Float(SftLoss.Sum(logits, promptChanged, batch.Mask)));

        var responseChanged = batch.Targets.clone();
        responseChanged[0, promptLength] = tensor((long)((ids[promptLength + 1] + 7) % Tokenizer.VocabSize));
        Assert.NotEqual(baseline, TensorValues.Float(SftLoss.Sum(logits, responseChanged, batch.Mask)));

        // The sum equals −Σ log p over the response positions, computed independently.
        var logp = TokenLogProbs.OfTargets(logits, batch.Targets);
        var expected = -TensorValues.Floats(logp).Skip(promptLength - 1).Sum();
        Assert.Equal(expected, baseline, 3);
    }

    [Fact]
    public void Plan_IsDeterministic_CoversEveryExampleOncePerEpoch_AndBucketsByLength()
    {
        var random = new Random(5);
        var examples = Enumerable.Range(0, 103).Select(_ => new EncodedExample(new int[random.Next(3, 200)], 1)).ToList();
        var plan = new SftBatchPlan(examples, batchSize: 8, bucketBatches: 4, seed: 9);
        Assert.Equal(13, plan.BatchesPerEpoch);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            var batches = plan.Epoch(epoch);
            Assert.Equal(Enumerable.Range(0, 103), batches.SelectMany(b => b).Order());
            Assert.Equal(batches, new SftBatchPlan(examples, 8, 4, 9).Epoch(epoch)); // a fresh plan (a resumed run) gives the same batches
        }
        Assert.NotEqual(plan.Epoch(0)[0], plan.Epoch(1)[0]);                 // epochs are reshuffled
        Assert.NotEqual(plan.Epoch(0)[0], new SftBatchPlan(examples, 8, 4, 10).Epoch(0)[0]); // and the seed matters

        long Padding(SftBatchPlan p) => p.Epoch(0).Sum(b => b.Max(i => examples[i].Ids.Length) * (long)b.Length - b.Sum(i => (long)examples[i].Ids.Length));
        Assert.True(Padding(plan) < Padding(new SftBatchPlan(examples, 8, 1, 9)) / 2, "length buckets should cut padding");
        Assert.Equal(plan.Epoch(1)[3], plan.At(13 + 3));
    }
}
