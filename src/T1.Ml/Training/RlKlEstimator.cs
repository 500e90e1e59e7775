namespace T1.Ml.Training;

/// <summary>
/// Per-token estimator of KL(π‖π_ref) used as the loss term (the <c>kl_estimator</c> input); with
/// d = log π(y_t) − log π_ref(y_t) for a token y_t sampled from π (J. Schulman, "Approximating KL divergence", 2020):
/// </summary>
public enum RlKlEstimator
{
    /// <summary>
    /// k2 = ½·d². Its gradient, (log π − log π_ref)·∇log π, is in expectation exactly ∇KL(π‖π_ref) for on-policy
    /// samples, so β·k2 as a loss term is the gradient of T1's reverse-KL penalty. The default.
    /// </summary>
    K2,

    /// <summary>
    /// k3 = e^(−d) + d − 1 (veRL's "low_var_kl"): an unbiased, non-negative, low-variance estimate of the KL's
    /// value (it is what the <c>kl</c> metric reports), but as a loss its expected gradient is that of the
    /// forward KL(π_ref‖π). Clamped to [−10, 10] as veRL does.
    /// </summary>
    K3,
}
