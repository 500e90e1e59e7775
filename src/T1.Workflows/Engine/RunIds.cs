using System.Security.Cryptography;

namespace T1.Workflows.Engine;

/// <summary>Run ids: 12 lowercase hex digits, short enough to type, random enough not to collide.</summary>
public static class RunIds
{
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
}
