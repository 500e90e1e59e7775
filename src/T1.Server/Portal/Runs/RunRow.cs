using System.Globalization;
using System.Text.Json.Nodes;
using T1.Server.Portal.Search;
using T1.Storage.Database;

namespace T1.Server.Portal.Runs;

/// <summary>One run of the runs table with what its picked columns show: params from its JSON, metrics' last values, tags.</summary>
public sealed class RunRow(RunRecord run, JsonObject? @params, IReadOnlyDictionary<string, double> metrics, IReadOnlyList<RunTagRecord> tags)
{
    public RunRecord Run { get; } = run;
    public IReadOnlyList<RunTagRecord> Tags { get; } = tags;

    /// <summary>The cell text of a picked column; empty when the run has no such value.</summary>
    public string Cell(SearchField field) => field.Kind switch
    {
        SearchFieldKind.Param => @params?[field.Name] switch
        {
            null => "",
            JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.String => v.GetValue<string>(),
            var node => node.ToJsonString(),
        },
        SearchFieldKind.Metric => metrics.TryGetValue(field.Name, out var value) ? Number(value) : "",
        SearchFieldKind.Tag => Tags.FirstOrDefault(t => t.Key == field.Name)?.Value ?? "",
        _ => "",
    };

    public static string Number(double value) => double.IsNaN(value) ? "NaN" : value.ToString("G5", CultureInfo.InvariantCulture);
}
