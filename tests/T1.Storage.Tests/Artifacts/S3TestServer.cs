namespace T1.Storage.Tests.Artifacts;

/// <summary>
/// The S3 server the tests talk to (s3rver, started by scripts/test.sh), read from the environment.
/// Missing variables fail the test: a skipped S3 suite would hide a broken store.
/// </summary>
internal sealed record S3TestServer(string Endpoint, string AccessKey, string SecretKey)
{
    public const string EndpointVariable = "T1_TEST_S3_ENDPOINT";
    public const string AccessKeyVariable = "T1_TEST_S3_ACCESS_KEY";
    public const string SecretKeyVariable = "T1_TEST_S3_SECRET_KEY";

    public static S3TestServer FromEnvironment()
    {
        var endpoint = Environment.GetEnvironmentVariable(EndpointVariable);
        var access = Environment.GetEnvironmentVariable(AccessKeyVariable);
        var secret = Environment.GetEnvironmentVariable(SecretKeyVariable);
        if (string.IsNullOrWhiteSpace(endpoint) || string.IsNullOrWhiteSpace(access) || string.IsNullOrWhiteSpace(secret))
            throw new InvalidOperationException(
                $"The S3 artifact store tests need an S3 server, but {EndpointVariable}, {AccessKeyVariable} and {SecretKeyVariable} are not all set. " +
                "Run the tests with scripts/test.sh (it starts s3rver), or run `scripts/test.sh --env-only` and paste the export lines it prints before `dotnet test`.");
        return new S3TestServer(endpoint, access, secret);
    }

    /// <summary>A bucket name no other test uses (S3 names: 3-63 chars, lowercase, digits, '-').</summary>
    public static string FreshBucketName() => $"t1-test-{Guid.NewGuid():N}";
}
