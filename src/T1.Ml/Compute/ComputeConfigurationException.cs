namespace T1.Ml.Compute;

/// <summary>A compute setting (section <c>T1:Compute</c>) that cannot be used; the message names the key and the choices.</summary>
public sealed class ComputeConfigurationException(string message) : Exception(message);
