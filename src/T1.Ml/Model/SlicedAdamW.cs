using TorchSharp.Modules;
using static TorchSharp.torch;

namespace T1.Ml.Model;

/// <summary>
/// AdamW whose step updates one parameter at a time, in slices (<see cref="AdamWSlices"/>), freeing each one's
/// temporaries before the next: the step then holds weights, gradients and moments and nothing parameter-sized more.
/// State, parameter groups, learning rates and <c>save_state_dict</c>/<c>load_state_dict</c> are TorchSharp's AdamW's,
/// so checkpoints are unchanged. Without amsgrad and maximize.
/// </summary>
public class SlicedAdamW : AdamW
{
    public SlicedAdamW(IEnumerable<ParamGroup> groups, double lr, double beta1, double beta2, double eps, double weightDecay)
        : base(groups, lr, beta1, beta2, eps, weightDecay)
    {
    }

    /// <summary>One AdamW step of every parameter that has a gradient, one parameter (slice) at a time.</summary>
    public override Tensor step(Func<Tensor>? closure = null)
    {
        Tensor? loss = null;
        if (closure is not null)
        {
            using (enable_grad()) loss = closure();
        }
        using (no_grad())
        {
            foreach (var group in _parameter_groups)
            {
                foreach (var p in group.Parameters) Update(p, (Options)group.Options);
            }
        }
        return loss!;
    }

    /// <summary>The step of one parameter of the optimizer: its gradient applied through <see cref="AdamWSlices"/>.</summary>
    protected virtual void Update(Parameter param, Options options)
    {
        using var grad = param.grad;
        if (grad is not null) AdamWSlices.Step(param, grad, StateOf(param), options);
    }

    /// <summary>AdamW's moments and step count for <paramref name="param"/>, a parameter of this optimizer.</summary>
    protected State StateOf(Parameter param) => (State)_state[param.Handle];
}
