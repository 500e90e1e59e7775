using System.Diagnostics;

namespace T1.Workflows.Engine;

/// <summary>
/// The process that owns a run whose jobs live only in that process (the embedded default keeps
/// Hangfire's queue in memory). When that process is gone (kill -9, crash, power loss) nothing
/// will ever move the run again: it is interrupted, and `t1 resume` continues it.
/// </summary>
public sealed record RunOwner(string Host, int Pid, DateTime StartedAt)
{
    public static readonly RunOwner Current = Describe();

    /// <summary>
    /// True when the owner surely no longer runs: it was on this host and no process has its pid,
    /// or the pid now belongs to a process started at another time (a reused pid). An owner on
    /// another host cannot be checked from here: false.
    /// </summary>
    public static bool IsGone(string? host, int? pid, DateTime? startedAt)
    {
        if (host is null || pid is null) return false;
        if (!string.Equals(host, Current.Host, StringComparison.Ordinal)) return false;
        // Killed but not yet reaped by its parent (a zombie): the pid still answers, yet the process will never run again.
        if (IsZombie(pid.Value)) return true;
        try
        {
            using var p = Process.GetProcessById(pid.Value);
            if (p.HasExited) return true;
            return startedAt is { } s && Math.Abs((p.StartTime.ToUniversalTime() - s).TotalSeconds) > 2;
        }
        catch (ArgumentException) { return true; }        // no such process
        catch (InvalidOperationException) { return true; } // exited while we looked
    }

    /// <summary>Linux: the process is dead (state Z or X in /proc/PID/stat) though its entry remains until its parent reaps it.</summary>
    internal static bool IsZombie(int pid)
    {
        if (!OperatingSystem.IsLinux()) return false;
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var end = stat.LastIndexOf(')'); // the command name may hold spaces and parentheses
            return end > 0 && end + 2 < stat.Length && stat[end + 2] is 'Z' or 'X';
        }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    }

    public override string ToString() => $"{Host}:{Pid}";

    private static RunOwner Describe()
    {
        using var self = Process.GetCurrentProcess();
        return new RunOwner(Environment.MachineName.ToLowerInvariant(), Environment.ProcessId, self.StartTime.ToUniversalTime());
    }
}
