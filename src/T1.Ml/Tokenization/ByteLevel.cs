using System.Text.RegularExpressions;

namespace T1.Ml.Tokenization;

/// <summary>
/// GPT-2 / Qwen2 byte-level conventions: each UTF-8 byte is one printable character in vocab files
/// (space is 'Ġ', newline 'Ċ'), and text is split by the Qwen2 pre-tokenizer pattern before BPE.
/// </summary>
internal static partial class ByteLevel
{
    /// <summary>
    /// Qwen2's split pattern. It keeps every character (spaces and newlines included), so the
    /// round trip is exact, and it splits numbers into single digits.
    /// </summary>
    public const string Qwen2Pattern =
        @"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+";

    [GeneratedRegex(Qwen2Pattern)]
    public static partial Regex Qwen2Regex();

    /// <summary>Byte value → its character in byte-level vocab strings.</summary>
    public static readonly char[] ByteToChar = BuildByteToChar();

    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        var direct = new bool[256];
        for (int b = '!'; b <= '~'; b++) direct[b] = true;
        for (int b = 0xA1; b <= 0xAC; b++) direct[b] = true;
        for (int b = 0xAE; b <= 0xFF; b++) direct[b] = true;
        int n = 0;
        for (int b = 0; b < 256; b++)
        {
            map[b] = direct[b] ? (char)b : (char)(256 + n++);
        }
        return map;
    }

    /// <summary>The byte-level string of <paramref name="text"/>'s UTF-8 bytes.</summary>
    public static string Encode(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var chars = new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) chars[i] = ByteToChar[bytes[i]];
        return new string(chars);
    }
}
