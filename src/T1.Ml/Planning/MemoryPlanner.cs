using System.Text.Json.Nodes;
using T1.Workflows.Definitions;
using T1.Workflows.Definitions.Expressions;
using T1.Workflows.Steps;

namespace T1.Ml.Planning;

/// <summary>
/// Plans a workflow's memory before it runs: binds each step's <c>with:</c> (params resolved, step outputs left as
/// references) to the step type's declared inputs, finds its model, and asks the inputs for their estimate
/// (<see cref="IPlansMemory"/>). Steps whose inputs do not implement it hold no model and are left out.
/// </summary>
public sealed class MemoryPlanner(StepCatalog catalog, PlanSettings settings)
{
    private const string MarkerPrefix = "t1-plan://steps/";

    public PlanSettings Settings { get; } = settings;

    /// <exception cref="WorkflowParamException">An override names an unknown param or has the wrong kind.</exception>
    public MemoryPlan Plan(WorkflowDefinition definition, IReadOnlyDictionary<string, string> overrides)
    {
        var @params = ParamBinder.Bind(definition, overrides);
        var models = new Dictionary<string, PlanModel>(StringComparer.Ordinal);
        var written = new Dictionary<string, PlanDtype>(StringComparer.Ordinal);
        var steps = new List<StepPlan>();
        foreach (var step in definition.TopologicalOrder())
        {
            var type = catalog.Find(step.Uses);
            if (type is null || !typeof(IPlansMemory).IsAssignableFrom(type.InputsType)) continue;
            IPlansMemory inputs;
            try
            {
                var with = (JsonObject)ExpressionResolver.Resolve(step.With, @params, (id, output) => JsonValue.Create($"{MarkerPrefix}{id}/{output}"))!;
                inputs = (IPlansMemory)InputBinder.Bind(type.InputsType, with, step.Id);
            }
            catch (Exception e) when (e is ExpressionException or StepInputException)
            {
                steps.Add(new StepPlan(step.Id, step.Uses, "", null, null, e.Message));
                continue;
            }
            var (model, why) = ModelLocator.Find(inputs.ModelSource, models, written);
            if (model is null)
            {
                steps.Add(new StepPlan(step.Id, step.Uses, inputs.Device, null, null, why));
                continue;
            }
            var estimate = inputs.EstimateMemory(model, Settings);
            models[step.Id] = model;
            written[step.Id] = estimate.CheckpointDtype;
            steps.Add(new StepPlan(step.Id, step.Uses, inputs.Device, model, estimate));
        }
        return new MemoryPlan(definition.Name, steps);
    }

    /// <summary>The step id of a reference to an earlier step's output, as the planner binds it; null for anything else.</summary>
    internal static string? StepOfMarker(string value)
    {
        if (!value.StartsWith(MarkerPrefix, StringComparison.Ordinal)) return null;
        var rest = value[MarkerPrefix.Length..];
        var slash = rest.IndexOf('/');
        return slash > 0 ? rest[..slash] : null;
    }
}
