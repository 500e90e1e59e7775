namespace T1.Server.Auth;

/// <summary>What the start-up line says about access: open or not, and (once) how the first admin signs in.</summary>
public sealed class AccessStatus(AccessMode mode)
{
    public AccessMode Mode { get; } = mode;

    /// <summary>Set on the first start of a server that requires sign-in: who the admin is and how to sign in.</summary>
    public string? FirstAdminNotice { get; internal set; }

    public string Line => FirstAdminNotice is null ? Mode.Description : $"{Mode.Description} · {FirstAdminNotice}";
}
