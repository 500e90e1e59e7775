using Minio;
using Minio.DataModel.Args;
using T1.Storage.Artifacts;

namespace T1.Storage.Tests.Artifacts;

/// <summary>The contract against a real S3 server (s3rver); each test gets its own bucket, created by the store.</summary>
public sealed class S3ArtifactStoreTests : ArtifactStoreContractTests
{
    private const string Prefix = "team-a/artifacts";
    private S3ArtifactStoreOptions _options = null!;
    private IMinioClient? _sdk;

    protected override Task<ArtifactStore> CreateStoreAsync()
    {
        var server = S3TestServer.FromEnvironment();
        _options = new S3ArtifactStoreOptions
        {
            Endpoint = server.Endpoint,
            AccessKey = server.AccessKey,
            SecretKey = server.SecretKey,
            Bucket = S3TestServer.FreshBucketName(),
            Prefix = "/" + Prefix + "/",
            UseSsl = false,
            Region = "us-east-1",
            SpoolDirectory = Path.Combine(Scratch, "..", Path.GetFileName(Scratch) + "-spool"),
        };
        _sdk = new MinioClient().WithEndpoint(server.Endpoint).WithCredentials(server.AccessKey, server.SecretKey)
            .WithSSL(false).WithRegion("us-east-1").Build();
        return Task.FromResult<ArtifactStore>(new S3ArtifactStore(_options));
    }

    protected override async Task OverwriteBlobAsync(string sha256, byte[] bytes)
    {
        using var data = new MemoryStream(bytes);
        await _sdk!.PutObjectAsync(new PutObjectArgs().WithBucket(_options.Bucket).WithObject(ObjectKey(sha256))
            .WithStreamData(data).WithObjectSize(bytes.Length));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _sdk?.Dispose();
        if (_options is not null && Directory.Exists(_options.SpoolDirectory)) Directory.Delete(_options.SpoolDirectory, recursive: true);
    }

    private static string ObjectKey(string sha256) => $"{Prefix}/sha256/{sha256[..2]}/{sha256}";

    private async Task<byte[]> ReadObjectThroughSdkAsync(string key)
    {
        using var memory = new MemoryStream();
        await _sdk!.GetObjectAsync(new GetObjectArgs().WithBucket(_options.Bucket).WithObject(key)
            .WithCallbackStream(async (s, ct) => await s.CopyToAsync(memory, ct)));
        return memory.ToArray();
    }

    [Fact]
    public async Task Put_CreatesTheMissingBucket_AndStoresUnderPrefixSha256TwoHexFullHex()
    {
        var bytes = RandomBytes(1_000, seed: 200);
        var sha = Sha256Hex(bytes);
        Assert.False(await _sdk!.BucketExistsAsync(new BucketExistsArgs().WithBucket(_options.Bucket)));

        await PutBytesAsync(bytes);

        Assert.Equal(bytes, await ReadObjectThroughSdkAsync(ObjectKey(sha)));
        Assert.Equal(ObjectKey(sha), ((S3ArtifactStore)Store).ObjectKey(sha));
    }

    [Fact]
    public async Task Put_DoesNotUploadAgain_WhenTheObjectExists()
    {
        var bytes = RandomBytes(1_000, seed: 201);
        var blob = await PutBytesAsync(bytes);
        var before = await _sdk!.StatObjectAsync(new StatObjectArgs().WithBucket(_options.Bucket).WithObject(ObjectKey(blob.Sha256)));
        await Task.Delay(1100); // S3 times have one-second resolution

        await PutBytesAsync(bytes);

        var after = await _sdk.StatObjectAsync(new StatObjectArgs().WithBucket(_options.Bucket).WithObject(ObjectKey(blob.Sha256)));
        Assert.Equal(before.LastModified, after.LastModified);
    }

    [Fact]
    public async Task Put_LeavesNoSpoolFiles()
    {
        await PutBytesAsync(RandomBytes(100_000, seed: 202));
        await PutBytesAsync(RandomBytes(100_000, seed: 202));

        Assert.Empty(Directory.GetFiles(_options.SpoolDirectory));
    }

    [Fact]
    public void Location_IsS3BucketAndPrefix()
    {
        Assert.Equal($"s3://{_options.Bucket}/{Prefix}", Store.Location);
    }

    [Fact]
    public void Options_MissingBucket_IsRejectedWithAMessageThatSaysWhatToSet()
    {
        var options = new S3ArtifactStoreOptions { Endpoint = "minio:9000", AccessKey = "a", SecretKey = "b" };

        var e = Assert.Throws<ArgumentException>(() => new S3ArtifactStore(options));

        Assert.Equal("S3ArtifactStoreOptions.Bucket is empty: set it to the bucket that should hold the artifacts, e.g. 't1-artifacts'.", e.Message);
    }

    [Fact]
    public void Options_EndpointWithScheme_IsRejected()
    {
        var options = new S3ArtifactStoreOptions { Endpoint = "http://minio:9000", AccessKey = "a", SecretKey = "b", Bucket = "x" };

        var e = Assert.Throws<ArgumentException>(() => new S3ArtifactStore(options));

        Assert.Equal("S3ArtifactStoreOptions.Endpoint 'http://minio:9000' has a scheme: give host:port only and choose HTTPS with UseSsl.", e.Message);
    }
}
