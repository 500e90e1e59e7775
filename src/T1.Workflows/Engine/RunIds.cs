using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace T1.Workflows.Engine;

/// <summary>Run ids: 12 lowercase hex digits, short enough to type, random enough not to collide.</summary>
public static class RunIds
{
    public static string New() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    /// <summary>
    /// The id of the run a schedule's tick starts: the same for every process that fires that tick, so the
    /// database (primary key) lets one run per tick exist whatever the schedulers do.
    /// </summary>
    public static string ForTick(string workflowName, DateTime tickUtc) => Convert.ToHexStringLower(SHA256.HashData(
        Encoding.UTF8.GetBytes($"schedule\n{workflowName}\n{tickUtc.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture)}")))[..12];
}
