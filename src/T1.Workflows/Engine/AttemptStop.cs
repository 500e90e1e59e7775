namespace T1.Workflows.Engine;

/// <summary>Why a running attempt was told to stop.</summary>
public enum AttemptStop { None, Timeout, RunCancelled, RunInterrupted, FenceLost }
