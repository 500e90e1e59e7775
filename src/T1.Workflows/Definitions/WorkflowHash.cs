using System.Security.Cryptography;
using System.Text;

namespace T1.Workflows.Definitions;

/// <summary>The content hash of a workflow's source: the same text checked out on Windows or Linux hashes the same.</summary>
public static class WorkflowHash
{
    public static string Of(string sourceText)
    {
        var normalised = sourceText.Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n');
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalised)));
    }
}
