namespace T1.Storage.Database;

/// <summary>
/// Where a run is. Final states never change again, except through `t1 resume`. Interrupted: the
/// process that ran it was stopped (Ctrl+C) or is gone (kill -9, crash); `t1 resume` continues it.
/// </summary>
public enum RunStatus { Running, Succeeded, Failed, Cancelled, Interrupted }

/// <summary>
/// Where one step of a run is: Pending (needs not met) → Queued (a job is enqueued or a retry
/// is scheduled) → Running (an attempt holds the fence token) → Succeeded | Failed | Cancelled;
/// Skipped when an upstream step failed or was cancelled; Interrupted when its run was interrupted
/// while it was queued or running (resume runs it again, from its last saved state).
/// </summary>
public enum StepStatus { Pending, Queued, Running, Succeeded, Failed, Cancelled, Skipped, Interrupted }

/// <summary>How a run was started.</summary>
public enum RunTrigger { Cli, Api, Schedule, Portal }

public static class StatusExtensions
{
    public static bool IsFinal(this RunStatus s) => s is not RunStatus.Running;
    public static bool IsFinal(this StepStatus s) =>
        s is StepStatus.Succeeded or StepStatus.Failed or StepStatus.Cancelled or StepStatus.Skipped or StepStatus.Interrupted;
}
