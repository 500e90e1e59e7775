using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace T1.Server.Tests.Deployment;

/// <summary>
/// docker-compose.yml read the way Compose reads it, as far as these tests need: anchors, aliases and
/// <c>&lt;&lt;</c> merge keys resolved (a service's own keys win); <c>${VAR}</c>, <c>${VAR:-default}</c>, <c>${VAR:?message}</c> and
/// <c>$$</c> interpolated from a given set of variables.
/// </summary>
internal sealed class ComposeFile
{
    private readonly YamlMappingNode _root;

    private ComposeFile(YamlMappingNode root) => _root = root;

    public static ComposeFile Load(string path)
    {
        using var reader = new StreamReader(path);
        var stream = new YamlStream();
        stream.Load(reader); // aliases come back as the anchored node itself
        return new ComposeFile((YamlMappingNode)Merge(stream.Documents[0].RootNode));
    }

    /// <summary>
    /// Applies YAML merge keys the way Compose (PyYAML) does: <c>&lt;&lt;: *a</c> or <c>&lt;&lt;: [*a, *b]</c> adds the
    /// keys the mapping does not set itself; the mapping's own keys win, then earlier merged mappings.
    /// </summary>
    private static YamlNode Merge(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var result = new YamlMappingNode();
                foreach (var (k, v) in map.Children.Where(c => !IsMergeKey(c.Key))) result.Add(k, Merge(v));
                var sources = map.Children.Where(c => IsMergeKey(c.Key)).SelectMany(c => c.Value is YamlSequenceNode seq ? seq.Children : [c.Value]);
                foreach (var source in sources)
                    foreach (var (k, v) in ((YamlMappingNode)Merge(source)).Children)
                        if (!result.Children.ContainsKey(k)) result.Add(k, v);
                return result;
            case YamlSequenceNode seq:
                return new YamlSequenceNode(seq.Children.Select(Merge));
            default:
                return node;
        }
    }

    private static bool IsMergeKey(YamlNode key) => key is YamlScalarNode { Value: "<<", Style: not (ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted) };

    public YamlMappingNode Services => Mapping(_root, "services")
        ?? throw new InvalidOperationException("docker-compose.yml has no `services:` mapping");

    public YamlMappingNode Service(string name) => Mapping(Services, name)
        ?? throw new InvalidOperationException($"docker-compose.yml has no service '{name}'");

    public IEnumerable<string> ServiceNames => Services.Children.Keys.Select(k => ((YamlScalarNode)k).Value!);

    /// <summary>The service's <c>environment:</c>, raw (not interpolated), in map or list form.</summary>
    public IReadOnlyDictionary<string, string> Environment(string service)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        switch (Child(Service(service), "environment"))
        {
            case YamlMappingNode map:
                foreach (var (k, v) in map.Children) result[((YamlScalarNode)k).Value!] = (v as YamlScalarNode)?.Value ?? "";
                break;
            case YamlSequenceNode list:
                foreach (var item in list.Children.Cast<YamlScalarNode>())
                {
                    var text = item.Value ?? "";
                    var eq = text.IndexOf('=', StringComparison.Ordinal);
                    result[eq < 0 ? text : text[..eq]] = eq < 0 ? "" : text[(eq + 1)..];
                }
                break;
        }
        return result;
    }

    /// <summary>The service's <c>command:</c> as an argument list (exec form or a plain string split on spaces).</summary>
    public IReadOnlyList<string> Command(string service) => Child(Service(service), "command") switch
    {
        YamlSequenceNode seq => seq.Children.Select(n => ((YamlScalarNode)n).Value ?? "").ToList(),
        YamlScalarNode s => (s.Value ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries),
        _ => [],
    };

    /// <summary>The node at a dotted path under the service, e.g. <c>deploy.resources.reservations.devices</c>.</summary>
    public YamlNode? At(string service, string path)
    {
        YamlNode? node = Service(service);
        foreach (var part in path.Split('.'))
            node = node is YamlMappingNode m ? Child(m, part) : null;
        return node;
    }

    public static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    private static YamlMappingNode? Mapping(YamlMappingNode map, string key) => Child(map, key) as YamlMappingNode;

    private static readonly Regex Variable = new(
        @"\$\$|\$\{(?<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?<op>:?[-?])(?<arg>[^}]*))?\}|\$(?<bare>[A-Za-z_][A-Za-z0-9_]*)",
        RegexOptions.CultureInvariant);

    /// <summary>The names a value requires with <c>${NAME:?…}</c> or <c>${NAME?…}</c>.</summary>
    public static IEnumerable<string> RequiredVariables(string raw) =>
        Variable.Matches(raw).Where(m => m.Groups["op"].Value.EndsWith('?')).Select(m => m.Groups["name"].Value);

    /// <summary>Compose's interpolation; throws naming the variable when a required one is unset or empty.</summary>
    public static string Interpolate(string raw, IReadOnlyDictionary<string, string> variables) => Variable.Replace(raw, m =>
    {
        if (m.Value == "$$") return "$";
        var name = m.Groups["bare"].Success ? m.Groups["bare"].Value : m.Groups["name"].Value;
        var op = m.Groups["op"].Value;
        var set = variables.TryGetValue(name, out var value);
        var usable = op.StartsWith(':') ? set && value!.Length > 0 : set;
        return op switch
        {
            ":-" or "-" => usable ? value! : m.Groups["arg"].Value,
            ":?" or "?" => usable ? value! : throw new InvalidOperationException($"required variable {name} is missing: {m.Groups["arg"].Value}"),
            _ => value ?? "",
        };
    });

    /// <summary>A <c>KEY=VALUE</c> file such as deploy/.env.example (comments and blank lines skipped).</summary>
    public static Dictionary<string, string> ReadEnvFile(string path)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadAllLines(path).Select(l => l.Trim()))
        {
            if (line.Length == 0 || line.StartsWith('#')) continue;
            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0) result[line[..eq].Trim()] = line[(eq + 1)..].Trim();
        }
        return result;
    }
}
