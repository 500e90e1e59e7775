using T1.Ml.Training;

namespace T1.Ml.Tests.Training;

public class RlHealthAlarmsTests
{
    [Fact]
    public void EntropyCollapse_FiresAfterPatienceSteps_NamingAlarmStepAndRecentValues()
    {
        var alarms = new RlHealthAlarms(new RlAlarmOptions { EntropyMin = 0.05, Patience = 3 });
        alarms.Observe(1, 0.9, 0.1, 0);
        alarms.Observe(2, 0.04, 0.1, 0);
        alarms.Observe(3, 0.03, 0.1, 0); // two low steps: not yet
        var e = Assert.Throws<RlAlarmException>(() => alarms.Observe(4, 0.01, 0.1, 0));
        Assert.Equal("entropy collapse", e.Alarm);
        Assert.Equal(4, e.Step);
        Assert.Equal([0.9, 0.04, 0.03, 0.01], e.Recent);
        Assert.Contains("'entropy collapse' at step 4", e.Message);
        Assert.Contains("below 0.05", e.Message);
        Assert.Contains("1: 0.9, 2: 0.04, 3: 0.03, 4: 0.01", e.Message);
        Assert.Contains("entropy_coef", e.Message); // what to do
    }

    [Fact]
    public void KlBlowUp_AndLengthRunaway_Fire_ARecoveredValueResetsThePatience()
    {
        var kl = new RlHealthAlarms(new RlAlarmOptions { KlMax = 10, Patience = 2 });
        kl.Observe(1, 1, 20, 0);
        kl.Observe(2, 1, 5, 0);   // recovered
        kl.Observe(3, 1, 30, 0);
        var e = Assert.Throws<RlAlarmException>(() => kl.Observe(4, 1, 40, 0));
        Assert.Equal("KL blow-up", e.Alarm);
        Assert.Contains("at step 4", e.Message);

        var length = new RlHealthAlarms(new RlAlarmOptions { OverlongMax = 0.5, Patience = 1 });
        var l = Assert.Throws<RlAlarmException>(() => length.Observe(9, 1, 0, 0.75));
        Assert.Equal("length runaway", l.Alarm);
        Assert.Contains("max_new_tokens", l.Message);
    }

    [Fact]
    public void ZeroThresholds_TurnAlarmsOff_AndHistorySurvivesAResume()
    {
        var off = new RlHealthAlarms(new RlAlarmOptions { EntropyMin = 0, KlMax = 0, OverlongMax = 0, Patience = 1 });
        off.Observe(1, 0, 1e9, 1);

        var a = new RlHealthAlarms(new RlAlarmOptions { EntropyMin = 0.1, Patience = 2 });
        a.Observe(5, 0.01, 0, 0);
        var b = new RlHealthAlarms(new RlAlarmOptions { EntropyMin = 0.1, Patience = 2 });
        b.Restore(a.ToJson());
        var e = Assert.Throws<RlAlarmException>(() => b.Observe(6, 0.02, 0, 0)); // the step-5 value came back with the state
        Assert.Equal([0.01, 0.02], e.Recent);
    }
}
