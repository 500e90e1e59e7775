using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;

namespace T1.Cli.Tests;

/// <summary>
/// What each built assembly may use (issue 13, layering): the `t1` command — workers included — uses no
/// portal type (so a worker never loads the web UI's code), and the ML and workflow cores reference no ASP.NET.
/// Read from the built assemblies' metadata, so a new reference anywhere in their code fails here.
/// </summary>
public sealed class LayeringTests
{
    private static string Built(string file) => Path.Combine(Path.GetDirectoryName(Cli.Dll)!, file);

    /// <summary>Namespaces of the types the assembly refers to (its type references).</summary>
    private static SortedSet<string> ReferencedNamespaces(string file)
    {
        using var pe = new PEReader(File.OpenRead(Built(file)));
        var md = pe.GetMetadataReader();
        return new SortedSet<string>(md.TypeReferences.Select(h => md.GetString(md.GetTypeReference(h).Namespace)), StringComparer.Ordinal);
    }

    private static SortedSet<string> ReferencedAssemblies(string file)
    {
        using var pe = new PEReader(File.OpenRead(Built(file)));
        var md = pe.GetMetadataReader();
        return new SortedSet<string>(md.AssemblyReferences.Select(h => md.GetString(md.GetAssemblyReference(h).Name)), StringComparer.Ordinal);
    }

    [Fact]
    public void TheCommand_UsesNoPortalType()
    {
        var used = ReferencedNamespaces("t1.dll");
        Assert.Contains("T1.Server.Hosting", used); // the reading works: `t1 serve` and `t1 worker` do use the host
        var portal = used.Where(n => n.StartsWith("T1.Server.Portal", StringComparison.Ordinal)
            || n.StartsWith("Microsoft.AspNetCore.Components", StringComparison.Ordinal)).ToList();
        Assert.Empty(portal);
    }

    [Theory]
    [InlineData("T1.Workflows.dll")]
    [InlineData("T1.Ml.dll")]
    [InlineData("T1.Storage.dll")]
    public void TheCores_ReferenceNoAspNetCore(string file)
    {
        var web = ReferencedAssemblies(file).Where(a => a.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal) || a.StartsWith("T1.Server", StringComparison.Ordinal)).ToList();
        Assert.Empty(web);
    }
}
