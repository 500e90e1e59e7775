using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;

namespace T1.Workflows.Steps;

/// <summary>
/// The registry of step types, built by reflection from <see cref="StepTypeAttribute"/>-marked
/// handler classes. Validation, the CLI, the designer and the docs all read this one catalog.
/// </summary>
public sealed class StepCatalog
{
    private readonly Dictionary<string, StepTypeDescriptor> _types;

    private StepCatalog(IEnumerable<StepTypeDescriptor> types)
    {
        _types = new Dictionary<string, StepTypeDescriptor>(StringComparer.Ordinal);
        foreach (var t in types)
        {
            if (!_types.TryAdd(t.Name, t))
                throw new InvalidOperationException($"Step type '{t.Name}' is declared twice ({_types[t.Name].HandlerType} and {t.HandlerType}).");
        }
    }

    public IReadOnlyCollection<StepTypeDescriptor> All => _types.Values.OrderBy(t => t.Category).ThenBy(t => t.Name).ToList();

    public StepTypeDescriptor? Find(string name) => _types.GetValueOrDefault(name);

    /// <summary>Catalog of every step type declared in the given assemblies (the built-ins always included).</summary>
    public static StepCatalog FromAssemblies(params Assembly[] assemblies)
    {
        var all = assemblies.Append(typeof(StepCatalog).Assembly).Distinct()
            .SelectMany(a => a.GetTypes())
            .Where(t => t is { IsClass: true, IsAbstract: false } && t.GetCustomAttribute<StepTypeAttribute>() is not null)
            .Select(Describe);
        return new StepCatalog(all);
    }

    /// <summary>Reads the declaration of one handler type.</summary>
    public static StepTypeDescriptor Describe(Type handlerType)
    {
        var decl = handlerType.GetCustomAttribute<StepTypeAttribute>()
            ?? throw new InvalidOperationException($"{handlerType} has no [StepType] attribute.");
        if (!typeof(IStepHandler).IsAssignableFrom(handlerType))
            throw new InvalidOperationException($"{handlerType} must implement {nameof(IStepHandler)}.");
        var inputsType = FindInputsType(handlerType)
            ?? throw new InvalidOperationException($"{handlerType} must derive from StepHandler<TInputs>.");
        var defaults = Activator.CreateInstance(inputsType);
        var inputs = inputsType.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(p => (p, attr: p.GetCustomAttribute<StepInputAttribute>()))
            .Where(x => x.attr is not null)
            .Select(x => DescribeInput(x.p, x.attr!, defaults))
            .ToList();
        var outputs = handlerType.GetCustomAttributes<StepOutputAttribute>()
            .Select(o => new StepOutputDescriptor(o.Name, o.Kind == ValueKind.Auto ? ValueKind.String : o.Kind, o.Description) { ArtifactKind = o.Artifact })
            .ToList();
        return new StepTypeDescriptor(decl.Name, decl.Category, decl.Description, decl.Version, decl.DefaultQueue,
            handlerType, inputsType, inputs, outputs) { Cacheable = decl.Cacheable };
    }

    /// <summary>The snake_case name an inputs property is known by in `with:`.</summary>
    public static string InputName(PropertyInfo property) =>
        property.GetCustomAttribute<StepInputAttribute>()?.Name ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(property.Name);

    private static Type? FindInputsType(Type handlerType)
    {
        for (var t = handlerType; t is not null; t = t.BaseType)
            if (t.IsGenericType && t.GetGenericTypeDefinition() == typeof(StepHandler<>))
                return t.GetGenericArguments()[0];
        return null;
    }

    private static StepInputDescriptor DescribeInput(PropertyInfo p, StepInputAttribute attr, object? defaults)
    {
        var (kind, element) = attr.Kind != ValueKind.Auto
            ? (attr.Kind, attr.Kind == ValueKind.List ? ElementKindOf(p.PropertyType) : null)
            : KindOf(p.PropertyType);
        var range = p.GetCustomAttribute<RangeAttribute>();
        var defaultValue = defaults is null ? null : p.GetValue(defaults);
        if (defaultValue is IEnumerable e and not string && !e.Cast<object>().Any())
            defaultValue = null;
        return new StepInputDescriptor(
            InputName(p), kind, element, attr.Required, attr.Required ? null : defaultValue,
            range is null ? null : Convert.ToDouble(range.Minimum, System.Globalization.CultureInfo.InvariantCulture),
            range is null ? null : Convert.ToDouble(range.Maximum, System.Globalization.CultureInfo.InvariantCulture),
            attr.OneOf, attr.Description, p, attr.Data)
        {
            Pattern = p.GetCustomAttribute<RegularExpressionAttribute>()?.Pattern,
            PatternMessage = p.GetCustomAttribute<RegularExpressionAttribute>()?.ErrorMessage,
            Advanced = attr.Advanced && !attr.Required,
            ArtifactKind = attr.Artifact,
        };
    }

    private static (ValueKind, ValueKind?) KindOf(Type t)
    {
        t = Nullable.GetUnderlyingType(t) ?? t;
        if (t == typeof(string)) return (ValueKind.String, null);
        if (t == typeof(int) || t == typeof(long)) return (ValueKind.Integer, null);
        if (t == typeof(double) || t == typeof(float) || t == typeof(decimal)) return (ValueKind.Number, null);
        if (t == typeof(bool)) return (ValueKind.Boolean, null);
        if (t == typeof(TimeSpan)) return (ValueKind.Duration, null);
        if (t != typeof(string) && typeof(IEnumerable).IsAssignableFrom(t) && ElementKindOf(t) is { } el) return (ValueKind.List, el);
        return (ValueKind.Object, null);
    }

    private static ValueKind? ElementKindOf(Type listType)
    {
        var el = listType.IsArray ? listType.GetElementType()
            : listType.GetInterfaces().Append(listType)
                .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];
        if (el is null || el == typeof(object)) return null;
        var (k, _) = KindOf(el);
        return k is ValueKind.List or ValueKind.Object ? null : k;
    }
}
