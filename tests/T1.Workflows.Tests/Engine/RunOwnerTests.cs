using System.Diagnostics;
using T1.Workflows.Engine;

namespace T1.Workflows.Tests.Engine;

/// <summary>`t1 resume` right after `kill -9` of an embedded run: its process counts as gone even before its parent reaps it.</summary>
public sealed class RunOwnerTests
{
    [Fact]
    public async Task KilledProcess_NotYetReaped_IsGone()
    {
        // bash starts `sleep` and becomes another `sleep` (exec), which never reaps the first: killed, it stays a zombie.
        var psi = new ProcessStartInfo("bash", ["-c", "sleep 120 & echo $!; exec sleep 20"]) { RedirectStandardOutput = true };
        using var parent = Process.Start(psi)!;
        try
        {
            var pid = int.Parse((await parent.StandardOutput.ReadLineAsync())!);
            Assert.False(RunOwner.IsGone(RunOwner.Current.Host, pid, null)); // alive
            Process.GetProcessById(pid).Kill();
            var until = DateTime.UtcNow.AddSeconds(30);
            while (!RunOwner.IsZombie(pid))
            {
                Assert.True(DateTime.UtcNow < until, "the killed process never became a zombie");
                await Task.Delay(50);
            }
            Assert.True(File.Exists($"/proc/{pid}/stat")); // its entry is still there ...
            Assert.True(RunOwner.IsGone(RunOwner.Current.Host, pid, null)); // ... yet it is gone
        }
        finally
        {
            parent.Kill();
        }
    }
}
