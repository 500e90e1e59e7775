using System.Collections.Concurrent;
using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using T1.Workflows.Definitions;
using T1.Workflows.Steps;

namespace T1.Workflows.Engine;

/// <summary>
/// The key under which a step's result may be reused: step type, its declared version, the
/// resolved inputs, the content of every local file or folder an input names, and the build of
/// the code that runs it (the module version ids of the handler's assembly and of the engine;
/// deterministic builds keep them equal for equal code). A step whose type has side effects
/// (<see cref="StepTypeAttribute.Cacheable"/> false, e.g. promote) or whose inputs name a path
/// that is not on this machine gets no key: it cannot be proven equal, so it is never reused.
/// </summary>
public readonly record struct StepCacheKey(string Value, string? Why)
{
    public bool Usable => Why is null;

    private static readonly ConcurrentDictionary<(string Path, long Size, DateTime Modified), string> FileHashes = new();

    public static StepCacheKey Compute(StepDefinition def, StepTypeDescriptor? type, JsonObject inputs, string inputsJson)
    {
        if (type is { Cacheable: false }) return new("", $"step type '{type.Name}' has side effects");
        var text = new StringBuilder()
            .Append(def.Uses).Append('@').Append(type?.Version ?? 0).Append('\n')
            .Append("build ").Append(Build(type)).Append('\n')
            .Append(inputsJson).Append('\n');
        foreach (var (name, value) in Strings(inputs))
        {
            if (!LooksLikePath(value)) continue;
            var full = Path.GetFullPath(value);
            if (File.Exists(full) || Directory.Exists(full))
                text.Append("file ").Append(name).Append(' ').Append(HashPath(full)).Append('\n');
            else if (Path.IsPathRooted(value) || value.StartsWith("./", StringComparison.Ordinal) || value.StartsWith("../", StringComparison.Ordinal))
                return new("", $"input '{name}' names '{value}', which is not on this machine, so its content cannot be hashed");
        }
        return new(CanonicalJson.Sha256(text.ToString()), null);
    }

    /// <summary>The build of the handler's and the engine's code.</summary>
    private static string Build(StepTypeDescriptor? type)
    {
        var engine = typeof(StepCacheKey).Assembly;
        var handler = type?.HandlerType.Assembly ?? engine;
        return $"{Mvid(handler)}/{Mvid(engine)}";
    }

    private static string Mvid(Assembly a) =>
        $"{a.GetName().Name}:{a.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion}:{a.ManifestModule.ModuleVersionId:N}";

    private static bool LooksLikePath(string value) =>
        value.Length is > 0 and < 4096 && !value.Contains("://", StringComparison.Ordinal) && !value.Contains('\n')
        && (value.Contains('/') || value.Contains('\\') || value.Contains('.'));

    private static IEnumerable<(string Name, string Value)> Strings(JsonNode? node, string name = "")
    {
        switch (node)
        {
            case JsonObject o:
                foreach (var (k, v) in o) foreach (var x in Strings(v, name.Length == 0 ? k : $"{name}.{k}")) yield return x;
                break;
            case JsonArray a:
                for (var i = 0; i < a.Count; i++) foreach (var x in Strings(a[i], $"{name}[{i}]")) yield return x;
                break;
            case JsonValue v when v.TryGetValue<string>(out var s):
                yield return (name, s);
                break;
        }
    }

    /// <summary>sha256 over a file's bytes, or over a folder's relative paths and file hashes (memoised by size and time).</summary>
    private static string HashPath(string path)
    {
        if (File.Exists(path)) return HashFile(path);
        var lines = Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories)
            .Select(f => (Rel: Path.GetRelativePath(path, f).Replace('\\', '/'), Full: f))
            .OrderBy(f => f.Rel, StringComparer.Ordinal)
            .Select(f => $"{f.Rel} {HashFile(f.Full)}");
        return CanonicalJson.Sha256(string.Join("\n", lines));
    }

    private static string HashFile(string file)
    {
        var info = new FileInfo(file);
        return FileHashes.GetOrAdd((info.FullName, info.Length, info.LastWriteTimeUtc), _ =>
        {
            using var stream = File.OpenRead(file);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        });
    }
}
