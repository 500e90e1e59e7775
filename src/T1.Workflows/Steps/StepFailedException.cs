namespace T1.Workflows.Steps;

/// <summary>
/// A failure a handler reports on purpose, with a message meant for the user (no stack trace
/// is shown). Any other exception is shown with its type and message.
/// </summary>
public class StepFailedException(string message, Exception? inner = null) : Exception(message, inner);
