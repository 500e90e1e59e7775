using System.Security.Cryptography;
using T1.Storage.Artifacts;

namespace T1.Storage.Tests.Artifacts;

/// <summary>The S3 store rides out its server being down (s3rver stopped and started again), and gives up saying so.</summary>
[Collection(OutageCollection.Name)]
public sealed class S3OutageTests : IDisposable
{
    private readonly S3ArtifactStoreOptions _options;
    private readonly S3ArtifactStore _store;
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), $"t1-s3-outage-{Guid.NewGuid():N}");

    public S3OutageTests()
    {
        var server = S3TestServer.FromEnvironment();
        _options = new S3ArtifactStoreOptions
        {
            Endpoint = server.Endpoint, AccessKey = server.AccessKey, SecretKey = server.SecretKey,
            Bucket = S3TestServer.FreshBucketName(), UseSsl = false, Region = "us-east-1",
            RetryMaxDelay = TimeSpan.FromSeconds(1),
        };
        _store = new S3ArtifactStore(_options);
        Directory.CreateDirectory(_scratch);
    }

    public void Dispose()
    {
        _store.Dispose();
        Directory.Delete(_scratch, recursive: true);
    }

    private static byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        new Random(count).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task PutReadAndStream_WhileTheServerIsDown_WaitForIt_ThenStoreAndReadTheRightBytes()
    {
        var early = await _store.PutAsync(new MemoryStream(RandomBytes(10)));  // the bucket exists before the outage
        var bytes = RandomBytes(3 << 20);
        await Outage.StopAsync(Outage.S3);
        Task<BlobInfo> put;
        Task download, streamed;
        Task<byte[]> prefix;
        var copy = Path.Combine(_scratch, "early.bin");
        var stream = new MemoryStream();
        try
        {
            put = _store.PutAsync(new MemoryStream(bytes));
            download = _store.DownloadToFileAsync(early.Sha256, copy);
            streamed = _store.CopyToAsync(early.Sha256, stream); // as the artifact API streams a download
            prefix = _store.ReadPrefixAsync(early.Sha256, 4);
            await Task.Delay(TimeSpan.FromSeconds(4));
            Assert.All(new Task[] { put, download, streamed, prefix }, t => Assert.False(t.IsCompleted, t.Exception?.ToString()));
        }
        finally
        {
            await Outage.StartAsync(Outage.S3);
        }

        var blob = await put.WaitAsync(TimeSpan.FromSeconds(30));
        await download.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(bytes)), blob.Sha256);
        Assert.Equal(bytes, await _store.ReadAllBytesAsync(blob.Sha256)); // read back verified by sha256
        Assert.Equal(RandomBytes(10), await File.ReadAllBytesAsync(copy));
        await streamed.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(RandomBytes(10), stream.ToArray());
        Assert.Equal(RandomBytes(10)[..4], await prefix.WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Put_GivesUp_AfterRetryFor_NamingTheServerAndWhatToCheck()
    {
        _options.RetryFor = TimeSpan.FromSeconds(2);
        using var store = new S3ArtifactStore(_options);
        await Outage.StopAsync(Outage.S3);
        ArtifactStoreUnavailableException e;
        try
        {
            e = await Assert.ThrowsAsync<ArtifactStoreUnavailableException>(() => store.PutAsync(new MemoryStream(RandomBytes(100))));
        }
        finally
        {
            await Outage.StartAsync(Outage.S3);
        }
        Assert.StartsWith($"the S3 server {_options.Endpoint} (s3://{_options.Bucket}) did not answer for 2 s (", e.Message);
        Assert.EndsWith("); check that it runs and that T1__Artifacts__S3__Endpoint points at it, then `t1 resume` the run", e.Message);
    }
}
