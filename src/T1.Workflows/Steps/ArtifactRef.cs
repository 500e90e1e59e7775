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

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Hex();
}
