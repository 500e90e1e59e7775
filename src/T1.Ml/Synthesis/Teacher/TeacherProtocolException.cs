namespace T1.Ml.Synthesis.Teacher;

/// <summary>
/// The teacher endpoint answered in a way no retry fixes: a 4xx other than 408/429 (bad key, unknown model),
/// or a body that is not a chat completion. The message names the endpoint and what to change.
/// </summary>
public sealed class TeacherProtocolException(string message) : Exception(message);
