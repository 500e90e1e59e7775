using T1.Storage.Artifacts;

namespace T1.Storage.Tests.Artifacts;

public sealed class FileSystemArtifactStoreTests : ArtifactStoreContractTests
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"t1-fs-store-{Guid.NewGuid():N}");

    protected override Task<ArtifactStore> CreateStoreAsync()
        => Task.FromResult<ArtifactStore>(new FileSystemArtifactStore(new FileSystemArtifactStoreOptions { Root = _root }));

    protected override Task OverwriteBlobAsync(string sha256, byte[] bytes)
        => File.WriteAllBytesAsync(Path.Combine(_root, "sha256", sha256[..2], sha256), bytes);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public async Task Put_StoresBlobAtRootSha256TwoHexSlashFullHex()
    {
        var bytes = RandomBytes(1_000, seed: 100);
        var sha = Sha256Hex(bytes);

        await PutBytesAsync(bytes);

        var expected = Path.Combine(_root, "sha256", sha[..2], sha);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(expected));
        Assert.Equal(expected, ((FileSystemArtifactStore)Store).BlobPath(sha));
    }

    [Fact]
    public async Task Put_LeavesNoTempFiles_EvenWhenConcurrentPutsRace()
    {
        var bytes = RandomBytes(256 * 1024, seed: 101);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => PutBytesAsync(bytes))));
        await PutBytesAsync(bytes);

        Assert.Empty(Directory.GetFiles(Path.Combine(_root, "tmp")));
        Assert.Single(Directory.GetFiles(Path.Combine(_root, "sha256"), "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Put_DeletesItsTempFile_WhenTheSourceStreamFails()
    {
        await Assert.ThrowsAsync<IOException>(() => Store.PutAsync(new FailingStream(bytesBeforeFailure: 3 << 20)));

        Assert.Empty(Directory.GetFiles(Path.Combine(_root, "tmp")));
        Assert.False(Directory.Exists(Path.Combine(_root, "sha256")));
    }

    [Fact]
    public void Location_IsTheAbsoluteRoot()
    {
        Assert.Equal(Path.GetFullPath(_root), Store.Location);
    }

    [Fact]
    public void DefaultRoot_IsDotT1SlashArtifacts()
    {
        Assert.Equal(".t1/artifacts", new FileSystemArtifactStoreOptions().Root);
        Assert.Equal(Path.GetFullPath(".t1/artifacts"), new FileSystemArtifactStore(new FileSystemArtifactStoreOptions()).Location);
    }

    [Fact]
    public void EmptyRoot_IsRejectedWithAMessageThatSaysWhatToSet()
    {
        var e = Assert.Throws<ArgumentException>(() => new FileSystemArtifactStore(new FileSystemArtifactStoreOptions { Root = " " }));

        Assert.StartsWith("FileSystemArtifactStoreOptions.Root is empty: set it to the folder that should hold the artifacts (default '.t1/artifacts').", e.Message);
    }

    /// <summary>A stream that yields zeros and then throws, like a network read that breaks midway.</summary>
    private sealed class FailingStream(long bytesBeforeFailure) : Stream
    {
        private long _left = bytesBeforeFailure;
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_left <= 0) throw new IOException("connection reset (simulated)");
            var n = (int)Math.Min(count, _left);
            Array.Clear(buffer, offset, n);
            _left -= n;
            return n;
        }
    }
}
