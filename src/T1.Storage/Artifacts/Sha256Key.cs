using System.Security.Cryptography;

namespace T1.Storage.Artifacts;

/// <summary>
/// The one spelling of an artifact key: 64 lowercase hex characters. Every store checks keys
/// here before it builds a path or an object name from them, so no key can name anything
/// outside the store (no '/', no '..', nothing but [0-9a-f]).
/// </summary>
public static class Sha256Key
{
    public const int Length = 64;

    public static bool IsValid(string? value)
    {
        if (value is null || value.Length != Length) return false;
        foreach (var c in value)
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f')) return false;
        return true;
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="value"/> is a valid key.</summary>
    public static void Validate(string? value, string paramName = "sha256")
    {
        ArgumentNullException.ThrowIfNull(value, paramName);
        if (!IsValid(value))
            throw new ArgumentException(
                $"'{Shorten(value)}' is not an artifact key: expected the sha256 of the content as 64 lowercase hex characters (as returned by PutAsync in BlobInfo.Sha256).",
                paramName);
    }

    /// <summary>The key's place below a store's root: <c>sha256/&lt;2 hex&gt;/&lt;64 hex&gt;</c>.</summary>
    public static string RelativePath(string sha256) => $"sha256/{sha256[..2]}/{sha256}";

    public static string ToHex(byte[] hash) => Convert.ToHexStringLower(hash);

    /// <summary>
    /// Copies <paramref name="source"/> to <paramref name="destination"/> and returns the sha256
    /// of the bytes copied and how many there were.
    /// </summary>
    public static async Task<BlobInfo> CopyAndHashAsync(Stream source, Stream destination, CancellationToken cancellationToken, Action? beforeFirstWrite = null)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 20];
        long size = 0;
        int read;
        while ((read = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (size == 0) beforeFirstWrite?.Invoke();
            hash.AppendData(buffer, 0, read);
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            size += read;
        }
        return new BlobInfo(ToHex(hash.GetHashAndReset()), size);
    }

    private static string Shorten(string value) => value.Length <= 80 ? value : value[..77] + "...";
}
