using T1.Ml.Synthesis.Teacher;

namespace T1.Ml.Tests.Synthesis.Teacher;

public sealed class ApiKeySourceTests
{
    [Theory]
    [InlineData("env:OPENAI_API_KEY", "env", "OPENAI_API_KEY")]
    [InlineData("secret:teacher-key", "secret", "teacher-key")]
    public void Parse_ReadsWhereTheKeyIs(string value, string kind, string name) =>
        Assert.Equal(new ApiKeySource(kind, name), ApiKeySource.Parse(value));

    [Theory]
    [InlineData("sk-proj-4f9a8b7c6d5e4f3a2b1c")]
    [InlineData("env:sk-proj-4f9a8b7c6d5e")]
    [InlineData("OPENAI_API_KEY")]
    [InlineData("env:")]
    public void Parse_RefusesAnythingButASource_WithoutRepeatingIt(string value)
    {
        var e = Assert.Throws<ArgumentException>(() => ApiKeySource.Parse(value));
        Assert.Equal("teacher_api_key must say where the API key is, not be the key: env:NAME (an environment variable of the worker, e.g. env:OPENAI_API_KEY) or secret:NAME (a file in the worker's secrets folder)", e.Message);
    }

    [Fact]
    public void Resolve_ReadsTheEnvironmentVariable_OrSaysToSetIt()
    {
        var name = "T1_TEST_TEACHER_KEY_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var source = ApiKeySource.Parse("env:" + name);
        var e = Assert.Throws<InvalidOperationException>(source.Resolve);
        Assert.Equal($"teacher_api_key: the environment variable {name} is not set on this worker; set it in the worker's environment (export {name}=...) and retry the step", e.Message);
        Environment.SetEnvironmentVariable(name, " key-123 \n");
        try { Assert.Equal("key-123", source.Resolve()); }
        finally { Environment.SetEnvironmentVariable(name, null); }
    }

    [Fact]
    public void Resolve_ReadsTheSecretFile_FromTheSecretsFolder()
    {
        var dir = Directory.CreateTempSubdirectory("t1-secrets-").FullName;
        var before = Environment.GetEnvironmentVariable(ApiKeySource.SecretsDirVariable);
        Environment.SetEnvironmentVariable(ApiKeySource.SecretsDirVariable, dir);
        try
        {
            var source = ApiKeySource.Parse("secret:teacher-key");
            var e = Assert.Throws<InvalidOperationException>(source.Resolve);
            Assert.Equal($"teacher_api_key: secret 'teacher-key' is not in the secrets folder {dir} of this worker; mount it there (or set T1_SECRETS_DIR) and retry the step", e.Message);
            File.WriteAllText(Path.Combine(dir, "teacher-key"), "key-456\n");
            Assert.Equal("key-456", source.Resolve());
        }
        finally
        {
            Environment.SetEnvironmentVariable(ApiKeySource.SecretsDirVariable, before);
            Directory.Delete(dir, recursive: true);
        }
    }
}
