using System.Text.RegularExpressions;

namespace T1.Workflows.Steps;

/// <summary>
/// A reference to a stored artifact, written <c>t1://artifacts/&lt;sha256&gt;</c>. Artifacts are
/// content-addressed: a folder is stored as a manifest blob listing its files' hashes.
/// </summary>
public readonly partial record struct ArtifactRef(string Sha256)
{
    public const string Prefix = "t1://artifacts/";

    public override string ToString() => Prefix + Sha256;

    public static bool TryParse(string? text, out ArtifactRef result)
    {
        result = default;
        if (text is null || !text.StartsWith(Prefix, StringComparison.Ordinal)) return false;
        var hex = text[Prefix.Length..];
        if (!Sha256Hex().IsMatch(hex)) return false;
        result = new ArtifactRef(hex);
        return true;
    }

    public static ArtifactRef Parse(string text) => TryParse(text, out var r) ? r
        : throw new FormatException($"'{text}' is not an artifact reference; expected {Prefix}<64 hex digits>.");

    /// <summary>Parses a step's `with:` value that must name a stored artifact; a bad one is refused naming the step and input.</summary>
    public static ArtifactRef ParseInput(string? text, string stepId, string input) => TryParse(text, out var r) ? r
        : throw new StepInputException(stepId, input,
            $"must be an artifact reference, t1://artifacts/<64 hex digits> (an earlier step's output such as ${{{{ steps.sft.outputs.checkpoint }}}}, or a sha256 from `t1 show RUN`), got '{text}'");

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Hex();
}
