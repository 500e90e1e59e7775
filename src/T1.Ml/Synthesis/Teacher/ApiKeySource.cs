using System.Text.RegularExpressions;

namespace T1.Ml.Synthesis.Teacher;

/// <summary>
/// Where the teacher's API key is read from on the worker — never the key itself, so a workflow file, its stored
/// definition and a run's inputs hold no secret: <c>env:NAME</c> (an environment variable of the worker process) or
/// <c>secret:NAME</c> (the file NAME in the secrets folder: <c>$T1_SECRETS_DIR</c>, default <c>/run/secrets</c>, where
/// Docker and Kubernetes mount secrets). Error messages never repeat the value, in case it was a key after all.
/// </summary>
public sealed partial record ApiKeySource(string Kind, string Name)
{
    public const string Env = "env";
    public const string Secret = "secret";
    public const string SecretsDirVariable = "T1_SECRETS_DIR";
    public const string DefaultSecretsDir = "/run/secrets";

    /// <summary>The pattern the step input declares (validation refuses anything else, a literal key included).</summary>
    public const string Pattern = @"^(env:[A-Za-z_][A-Za-z0-9_]{0,127}|secret:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})$";

    /// <summary>The message validation gives for a value that is not a key source; it does not repeat the value.</summary>
    public const string PatternMessage =
        "must say where the API key is, not be the key: env:NAME (an environment variable of the worker, e.g. env:OPENAI_API_KEY) or secret:NAME (a file in the worker's secrets folder)";

    /// <exception cref="ArgumentException">The value is not <c>env:NAME</c> or <c>secret:NAME</c>.</exception>
    public static ApiKeySource Parse(string value)
    {
        if (!PatternRegex().IsMatch(value)) throw new ArgumentException("teacher_api_key " + PatternMessage);
        var colon = value.IndexOf(':', StringComparison.Ordinal);
        return new ApiKeySource(value[..colon], value[(colon + 1)..]);
    }

    /// <summary>The key, read now on this worker.</summary>
    /// <exception cref="InvalidOperationException">The variable is unset or the secret file is missing or empty; the message says what to set.</exception>
    public string Resolve()
    {
        if (Kind == Env)
        {
            var key = Environment.GetEnvironmentVariable(Name);
            if (string.IsNullOrWhiteSpace(key))
                throw new InvalidOperationException($"teacher_api_key: the environment variable {Name} is not set on this worker; set it in the worker's environment (export {Name}=...) and retry the step");
            return key.Trim();
        }
        var dir = Environment.GetEnvironmentVariable(SecretsDirVariable) is { Length: > 0 } d ? d : DefaultSecretsDir;
        var path = Path.Combine(dir, Name);
        if (!File.Exists(path))
            throw new InvalidOperationException($"teacher_api_key: secret '{Name}' is not in the secrets folder {dir} of this worker; mount it there (or set {SecretsDirVariable}) and retry the step");
        var secret = File.ReadAllText(path).Trim();
        if (secret.Length == 0) throw new InvalidOperationException($"teacher_api_key: the secret file {path} is empty");
        return secret;
    }

    public override string ToString() => $"{Kind}:{Name}";

    [GeneratedRegex(Pattern)]
    private static partial Regex PatternRegex();
}
