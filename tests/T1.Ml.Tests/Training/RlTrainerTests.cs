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
        var options = Toy with { KlCoef = 0.01, EntropyCoef = 0.01, AnchorEvery = 1 };
        var problems = RlTestKit.Problems(8);
        var saved = Path.Combine(_root, "resume");
        using var whole = RlTestKit.Model(9);
        using (var rl = new RlTrainer(whole, RlTestKit.Tokenizer, problems, options, DigitReward()))
        {
            for (int s = 1; s <= 4; s++)
            {
                rl.TrainStep();
                if (s == 2) rl.SaveState(saved);
            }
        }

        using var restarted = RlTestKit.Model(9); // the init checkpoint again, as a new worker would load it
        using var again = new RlTrainer(restarted, RlTestKit.Tokenizer, problems, options, DigitReward());
        Assert.True(again.TryResume(saved));
        Assert.Equal(2, again.Step);
        Assert.Equal(3, again.TrainStep().Step); // the counter advances from the checkpoint, not from 0
        Assert.Equal(4, again.TrainStep().Step);
        Assert.Equal(4, again.Anchor.Updates);
        var expected = whole.state_dict();
        foreach (var (name, t) in restarted.state_dict())
            Assert.True(t.allclose(expected[name], rtol: 1e-4, atol: 1e-5), $"{name} differs from the uninterrupted run");
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
        Assert.Equal(0.0, r.Kl, 3); // the anchor starts as the policy
        Assert.True(r.RolloutTokensPerS > 0 && r.TrainTokensPerS > 0);
    }

    [Fact]
    public void PromptsFor_VisitsEveryProblemOncePerEpoch_InASeededOrder()
    {
        using var policy = RlTestKit.Model(1);
        var problems = RlTestKit.Problems(8);
        using var rl = new RlTrainer(policy, RlTestKit.Tokenizer, problems, Toy);
        var epoch = Enumerable.Range(1, 2).SelectMany(s => rl.PromptsFor(s)).ToList(); // 2 steps × 4 = 8
        Assert.Equal(problems.Select(p => p.Id).Order(), epoch.Select(p => p.Id).Order());
        Assert.NotEqual(problems.Select(p => p.Id), epoch.Select(p => p.Id)); // shuffled
        using var same = new RlTrainer(policy, RlTestKit.Tokenizer, problems, Toy);
        Assert.Equal(rl.PromptsFor(3).Select(p => p.Id), same.PromptsFor(3).Select(p => p.Id));
    }
}
