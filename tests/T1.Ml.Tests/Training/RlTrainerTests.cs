using T1.Ml.Checkpoints;
using T1.Ml.Sampling;
using T1.Ml.Tasks;
using T1.Ml.Training;
using TorchSharp;

namespace T1.Ml.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class RlTrainerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("t1-rl-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>Share of generated tokens that are digits: a reward a random policy already earns a little of.</summary>
    private static RlRewardFunction DigitReward()
    {
        var tok = RlTestKit.Tokenizer;
        return (_, s) => new RlReward(s.Tokens.Count(t => tok.Decode([t]) is { Length: > 0 } d && d.All(char.IsAsciiDigit)) / (double)Math.Max(1, s.Tokens.Count), RlOutcome.Correct);
    }

    private static RlOptions Toy => new()
    {
        PromptsPerStep = 4, SamplesPerPrompt = 8, MaxNewTokens = 6, Temperature = 1.0, Lr = 1e-2, WarmupSteps = 0,
        EntropyCoef = 0, KlCoef = 0, AnchorEvery = 5, AnchorEma = 0.5, MicroBatch = 16, Seed = 7,
        Alarms = new RlAlarmOptions { EntropyMin = 0, KlMax = 0, OverlongMax = 0 },
    };

    [Fact]
    public void Rl_OnAToyReward_IncreasesTheReward_SoTheGradientSignIsRight()
    {
        using var policy = RlTestKit.Model(5);
        using var rl = new RlTrainer(policy, RlTestKit.Tokenizer, RlTestKit.Problems(8), Toy, DigitReward());
        var rewards = Enumerable.Range(0, 30).Select(_ => rl.TrainStep()).Select(r => r.Reward).ToList();
        double first = rewards.Take(5).Average(), last = rewards.TakeLast(5).Average();
        Assert.True(first < 0.2, $"a random policy should rarely write digits; first steps' reward {first:0.000}");
        Assert.True(last > 0.5 && last > first + 0.3, $"reward did not rise: first 5 steps {first:0.000}, last 5 steps {last:0.000}; all: {string.Join(", ", rewards.Select(r => r.ToString("0.00")))}");
        Assert.Equal(30, rl.Step);
    }

    [Fact]
    public void Resume_ContinuesFromSavedStep_AndEndsWhereAnUninterruptedRunEnds()
    {
        var options = Toy with { KlCoef = 0.01, EntropyCoef = 0.01, AnchorEvery = 1, PpoEpochs = 2, Minibatches = 2, FilterGroups = true };
        var problems = RlTestKit.Problems(8);
        var saved = Path.Combine(_root, "resume");
        long positionAfter4;
        using var whole = RlTestKit.Model(9);
        using (var rl = new RlTrainer(whole, RlTestKit.Tokenizer, problems, options, DigitReward()))
        {
            for (int s = 1; s <= 4; s++)
            {
                rl.TrainStep();
                if (s == 2) rl.SaveState(saved);
            }
            positionAfter4 = rl.PromptPosition;
        }

        using var restarted = RlTestKit.Model(9); // the init checkpoint again, as a new worker would load it
        using var again = new RlTrainer(restarted, RlTestKit.Tokenizer, problems, options, DigitReward());
        Assert.True(again.TryResume(saved));
        Assert.Equal(2, again.Step);
        Assert.Equal(3, again.TrainStep().Step); // the counter advances from the checkpoint, not from 0
        Assert.Equal(4, again.TrainStep().Step);
        Assert.Equal(4, again.Anchor.Updates);
        Assert.Equal(positionAfter4, again.PromptPosition); // the refills of steps 3 and 4 drew the same prompts
        var expected = whole.state_dict();
        foreach (var (name, t) in restarted.state_dict())
            Assert.True(t.eq(expected[name]).all().item<bool>(), $"{name} differs from the uninterrupted run by up to {(t - expected[name]).abs().max().item<float>()}");
        Assert.True(File.Exists(Path.Combine(saved, DynamicAnchor.FolderName, Checkpoint.WeightsFile)));
        Assert.True(File.Exists(Path.Combine(saved, Checkpoint.OptimizerFile)));
    }

    [Fact]
    public void TryResume_IgnoresAnSftCheckpoint()
    {
        using var m = RlTestKit.Model(1);
        var sft = Path.Combine(_root, "sft");
        Checkpoint.Save(sft, m, RlTestKit.Tokenizer, new TrainerState { Step = 500 });
        using var rl = new RlTrainer(m, RlTestKit.Tokenizer, RlTestKit.Problems(4), Toy, DigitReward());
        Assert.False(rl.TryResume(sft));
        Assert.Equal(0, rl.Step);
    }

    [Fact]
    public void EntropyAlarm_StopsTraining_WithTheStepAndValues()
    {
        var options = Toy with { Alarms = new RlAlarmOptions { EntropyMin = 1000, Patience = 2, KlMax = 0, OverlongMax = 0 } };
        using var policy = RlTestKit.Model(3);
        using var rl = new RlTrainer(policy, RlTestKit.Tokenizer, RlTestKit.Problems(4), options, DigitReward());
        rl.TrainStep();
        var e = Assert.Throws<RlAlarmException>(() => rl.TrainStep());
        Assert.Equal("entropy collapse", e.Alarm);
        Assert.Equal(2, e.Step);
        Assert.Contains("at step 2", e.Message);
    }

    [Fact]
    public void VerifierReward_OnAnUntrainedModel_IsBadResponsesOnly_AndMetricsAreFinite()
    {
        var options = Toy with { MaxNewTokens = 8, KlCoef = 0.1, EntropyCoef = 0.01 };
        using var policy = RlTestKit.Model(4);
        using var rl = new RlTrainer(policy, RlTestKit.Tokenizer, RlTestKit.Problems(4), options);
        var r = rl.TrainStep();
        Assert.Equal(-1.0, r.Reward); // random text: overlong, repetitive or without an answer
        Assert.Equal(0.0, r.Accuracy);
        Assert.Equal(0.0, r.PassAtK);
        Assert.Equal(1.0, r.OverlongRatio + r.RepetitionRatio + r.UnparsableRatio, 9);
        Assert.All(r.Metrics(), kv => Assert.True(double.IsFinite(kv.Value), kv.Key));
        Assert.InRange(r.Entropy, 0.5, Math.Log(RlTestKit.Tokenizer.VocabSize) + 0.01);
        Assert.Equal(0.0, r.Kl, 6); // the anchor starts as the policy (per-token k3 ≥ 0, exactly 0 here)
        Assert.Equal(0.0, r.ClipFraction);
        Assert.Equal(1.0, r.ZeroVarianceGroups); // every response earned −1
        Assert.True(r.RolloutTokensPerS > 0 && r.TrainTokensPerS > 0);
    }

    [Fact]
    public void PromptsAt_VisitsEveryProblemOncePerEpoch_InASeededOrder()
    {
        using var policy = RlTestKit.Model(1);
        var problems = RlTestKit.Problems(8);
        using var rl = new RlTrainer(policy, RlTestKit.Tokenizer, problems, Toy);
        var epoch = rl.PromptsAt(0, 8);
        Assert.Equal(problems.Select(p => p.Id).Order(), epoch.Select(p => p.Id).Order());
        Assert.NotEqual(problems.Select(p => p.Id), epoch.Select(p => p.Id)); // shuffled
        using var same = new RlTrainer(policy, RlTestKit.Tokenizer, problems, Toy);
        Assert.Equal(rl.PromptsAt(9, 4).Select(p => p.Id), same.PromptsAt(9, 4).Select(p => p.Id));
        rl.TrainStep();
        Assert.Equal(Toy.PromptsPerStep, rl.PromptPosition);
    }

    [Fact]
    public void FilterGroups_DropsGroupsWithEqualRewards_AndRefillsFromFurtherPrompts()
    {
        // Even-numbered problems always earn 0 (no signal); the others earn the digit share, which varies within a group.
        var problems = RlTestKit.Problems(16);
        var digits = DigitReward();
        var flat = problems.Where((_, i) => i % 2 == 0).Select(p => p.Id).ToHashSet();
        RlRewardFunction reward = (p, s) => flat.Contains(p.Id) ? new RlReward(0, RlOutcome.Wrong) : digits(p, s);
        var options = Toy with { FilterGroups = true, FilterMaxRounds = 6, MaxNewTokens = 8 };
        using var policy = RlTestKit.Model(6);
        using var rl = new RlTrainer(policy, RlTestKit.Tokenizer, problems, options, reward);
        var r = rl.TrainStep();

        var drawn = rl.PromptsAt(0, (int)rl.PromptPosition);
        int flatDrawn = drawn.Count(p => flat.Contains(p.Id));
        Assert.True(r.RolloutRounds > 1, "half the prompts have no signal: the first round cannot fill the batch");
        Assert.Equal(flatDrawn, r.GroupsDropped);
        Assert.Equal(options.PromptsPerStep + r.GroupsDropped, rl.PromptPosition); // every kept group is trained on, no more
        Assert.Equal(flatDrawn / (double)drawn.Count, r.ZeroVarianceGroups, 9);

        var off = Toy with { MaxNewTokens = 8 };
        using var plain = new RlTrainer(RlTestKit.Model(6), RlTestKit.Tokenizer, problems, off, reward);
        var p = plain.TrainStep();
        Assert.Equal((0, 1, (long)off.PromptsPerStep), (p.GroupsDropped, p.RolloutRounds, plain.PromptPosition));
    }

    [Fact]
    public void Rl_WithReusedRolloutsFilteringAndTemperature_RaisesAToyRewardWithin20Steps()
    {
        var options = Toy with
        {
            Temperature = 1.5, PpoEpochs = 2, Minibatches = 2, LossAgg = RlLossAgg.Token, FilterGroups = true,
            KlCoef = 0.01, EntropyCoef = 0.001, Lr = 1e-2,
        };
        using var policy = RlTestKit.Model(5);
        using var rl = new RlTrainer(policy, RlTestKit.Tokenizer, RlTestKit.Problems(8), options, DigitReward());
        var steps = Enumerable.Range(0, 20).Select(_ => rl.TrainStep()).ToList();
        double first = steps.Take(4).Average(r => r.Reward), last = steps.TakeLast(4).Average(r => r.Reward);
        Assert.True(last > first + 0.3, $"reward did not rise: first 4 steps {first:0.000}, last 4 {last:0.000}; all: {string.Join(", ", steps.Select(r => r.Reward.ToString("0.00")))}");
        Assert.Contains(steps, r => r.ClipFraction > 0);
        Assert.All(steps, r => Assert.True(r.Kl >= 0 && double.IsFinite(r.Kl), $"kl {r.Kl}"));
    }
}
