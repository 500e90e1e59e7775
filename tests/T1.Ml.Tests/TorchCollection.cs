namespace T1.Ml.Tests;

/// <summary>
/// Tests that touch torch's process-wide state (global RNG seed, thread count) run one at a time
/// in this collection; other test classes of the assembly still run beside them.
/// </summary>
[CollectionDefinition(Name)]
public sealed class TorchCollection
{
    /// <summary>The collection name for <c>[Collection(TorchCollection.Name)]</c>.</summary>
    public const string Name = "torch";
}
