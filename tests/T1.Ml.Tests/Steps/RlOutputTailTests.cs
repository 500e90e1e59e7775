using T1.Ml.Steps;
using T1.Ml.Training;

namespace T1.Ml.Tests.Steps;

/// <summary>rl's accuracy/reward outputs: a run resumed inside their window averages what an uninterrupted run averages.</summary>
public sealed class RlOutputTailTests
{
    private static RlStepResult Step(long step) => new() { Step = step, Accuracy = step / 100.0, Reward = step % 7 / 3.0 };

    [Theory]
    [InlineData(100, 95)] // resumed inside the window (steps 91-100)
    [InlineData(100, 90)] // resumed just before it
    [InlineData(100, 40)]
    [InlineData(12, 11)]  // a window of one step
    public void ResumedRun_AveragesTheSamePoints_AsAnUninterruptedRun(int steps, int savedAt)
    {
        var uninterrupted = new RlOutputTail(steps);
        for (var s = 1; s <= steps; s++) uninterrupted.Add(Step(s));

        var dir = Directory.CreateTempSubdirectory("t1-rl-tail-").FullName;
        try
        {
            var first = new RlOutputTail(steps);
            for (var s = 1; s <= savedAt + 2; s++)
            {
                first.Add(Step(s));
                if (s == savedAt) first.Save(dir);
            } // the attempt dies two steps after its save
            var resumed = new RlOutputTail(steps);
            resumed.Restore(dir, savedAt);
            for (var s = savedAt + 1; s <= steps; s++) resumed.Add(Step(s));

            Assert.Equal(uninterrupted.Points, resumed.Points);
            Assert.Equal(Math.Max(1, steps / 10), resumed.Points.Count);
            Assert.Equal(steps, resumed.Points[^1].Step);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void StateSavedBeforeThisFileExisted_RestoresNothing()
    {
        var dir = Directory.CreateTempSubdirectory("t1-rl-tail-").FullName;
        try
        {
            var tail = new RlOutputTail(100);
            tail.Restore(dir, 95);
            Assert.Empty(tail.Points);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
