namespace T1.Ml.Planning;

/// <summary>Settings of the memory check <c>t1 run</c> makes before a run starts (section <c>T1:Plan</c>).</summary>
public sealed class PlanOptions
{
    /// <summary>Refuse a run whose plan has a step that cannot fit (<c>T1__Plan__Check=false</c> turns the check off).</summary>
    public bool Check { get; set; } = true;

    /// <summary>Memory of the device steps run on, e.g. <c>80GiB</c>; empty means this machine's memory.</summary>
    public string DeviceMemory { get; set; } = "";

    /// <summary>Assumed tokens of the longest prompt of a batch.</summary>
    public int PromptTokens { get; set; } = new PlanSettings().PromptTokens;
}
