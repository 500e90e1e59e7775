using System.Security.Cryptography;
using T1.Storage.Artifacts;

namespace T1.Storage.Tests.Artifacts;

/// <summary>
/// The behaviour every <see cref="ArtifactStore"/> must have. Each backend's test class derives from this
/// one and says how to make a fresh, empty store and how to damage a stored blob behind the store's back.
/// </summary>
public abstract class ArtifactStoreContractTests : IAsyncLifetime
{
    private readonly string _scratch = Path.Combine(Path.GetTempPath(), $"t1-artifact-tests-{Guid.NewGuid():N}");

    /// <summary>A fresh, empty store (its own folder or bucket).</summary>
    protected ArtifactStore Store { get; private set; } = null!;

    /// <summary>A private folder for downloads, deleted after the test.</summary>
    protected string Scratch => _scratch;

    protected abstract Task<ArtifactStore> CreateStoreAsync();

    /// <summary>Replaces the stored bytes of <paramref name="sha256"/> without going through the store.</summary>
    protected abstract Task OverwriteBlobAsync(string sha256, byte[] bytes);

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_scratch);
        Store = await CreateStoreAsync();
    }

    public virtual Task DisposeAsync()
    {
        (Store as IDisposable)?.Dispose();
        if (Directory.Exists(_scratch)) Directory.Delete(_scratch, recursive: true);
        return Task.CompletedTask;
    }

    protected static byte[] RandomBytes(int count, int seed)
    {
        var bytes = new byte[count];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    protected static string Sha256Hex(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    protected Task<BlobInfo> PutBytesAsync(byte[] bytes) => Store.PutAsync(new MemoryStream(bytes));

    [Fact]
    public async Task Put_ReturnsSha256AndSize_OfTheContent()
    {
        var bytes = RandomBytes(10_000, seed: 1);

        var blob = await PutBytesAsync(bytes);

        Assert.Equal(Sha256Hex(bytes), blob.Sha256);
        Assert.Equal(10_000, blob.Size);
    }

    [Fact]
    public async Task ReadAllBytes_ReturnsTheBytesThatWerePut()
    {
        var bytes = RandomBytes(70_000, seed: 2);
        var blob = await PutBytesAsync(bytes);

        Assert.Equal(bytes, await Store.ReadAllBytesAsync(blob.Sha256));
    }

    [Fact]
    public async Task DownloadToFile_WritesTheBytesThatWerePut_CreatingFoldersAndReplacingAnOldFile()
    {
        var bytes = RandomBytes(70_000, seed: 3);
        var blob = await PutBytesAsync(bytes);
        var destination = Path.Combine(Scratch, "a", "b", "model.bin");
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        await File.WriteAllTextAsync(destination, "stale");

        await Store.DownloadToFileAsync(blob.Sha256, destination);

        Assert.Equal(bytes, await File.ReadAllBytesAsync(destination));
        Assert.Equal(["model.bin"], Directory.GetFiles(Path.GetDirectoryName(destination)!).Select(Path.GetFileName));
    }

    [Fact]
    public async Task PutFile_StoresTheFileContent()
    {
        var bytes = RandomBytes(5_000, seed: 4);
        var path = Path.Combine(Scratch, "input.bin");
        await File.WriteAllBytesAsync(path, bytes);

        var blob = await Store.PutFileAsync(path);

        Assert.Equal(Sha256Hex(bytes), blob.Sha256);
        Assert.Equal(bytes, await Store.ReadAllBytesAsync(blob.Sha256));
    }

    [Fact]
    public async Task Put_EmptyContent_IsAnOrdinaryBlob()
    {
        var blob = await PutBytesAsync([]);

        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", blob.Sha256);
        Assert.Equal(0, blob.Size);
        Assert.Empty(await Store.ReadAllBytesAsync(blob.Sha256));
    }

    [Fact]
    public async Task Put_SameContentTwice_ReturnsTheSameBlobAndKeepsItReadable()
    {
        var bytes = RandomBytes(20_000, seed: 5);

        var first = await PutBytesAsync(bytes);
        var second = await PutBytesAsync(bytes);

        Assert.Equal(first, second);
        Assert.Equal(bytes, await Store.ReadAllBytesAsync(first.Sha256));
    }

    [Fact]
    public async Task Put_DifferentContent_GetsDifferentKeys_AndEachReadsBackItsOwnBytes()
    {
        var a = RandomBytes(1_000, seed: 6);
        var b = (byte[])a.Clone();
        b[^1] ^= 1; // one bit apart

        var blobA = await PutBytesAsync(a);
        var blobB = await PutBytesAsync(b);

        Assert.NotEqual(blobA.Sha256, blobB.Sha256);
        Assert.Equal(a, await Store.ReadAllBytesAsync(blobA.Sha256));
        Assert.Equal(b, await Store.ReadAllBytesAsync(blobB.Sha256));
    }

    [Fact]
    public async Task Exists_IsTrueOnlyAfterPut()
    {
        var bytes = RandomBytes(100, seed: 7);
        var sha = Sha256Hex(bytes);

        Assert.False(await Store.ExistsAsync(sha));
        await PutBytesAsync(bytes);
        Assert.True(await Store.ExistsAsync(sha));
    }

    [Fact]
    public async Task Read_ThrowsNotFound_NamingTheKey_WhenBlobWasNeverPut()
    {
        var sha = Sha256Hex(RandomBytes(100, seed: 8));

        var read = await Assert.ThrowsAsync<ArtifactNotFoundException>(() => Store.ReadAllBytesAsync(sha));
        var download = await Assert.ThrowsAsync<ArtifactNotFoundException>(
            () => Store.DownloadToFileAsync(sha, Path.Combine(Scratch, "never.bin")));

        Assert.Equal(sha, read.Sha256);
        Assert.Contains(sha, download.Message);
        Assert.Contains(Store.Location, download.Message);
        Assert.False(File.Exists(Path.Combine(Scratch, "never.bin")));
    }

    [Fact]
    public async Task Read_ThrowsCorrupted_WhenStoredBytesNoLongerMatchTheKey()
    {
        var bytes = RandomBytes(50_000, seed: 9);
        var blob = await PutBytesAsync(bytes);
        var tampered = (byte[])bytes.Clone();
        tampered[25_000] ^= 0xFF;
        await OverwriteBlobAsync(blob.Sha256, tampered);

        var e = await Assert.ThrowsAsync<ArtifactCorruptedException>(() => Store.ReadAllBytesAsync(blob.Sha256));

        Assert.Equal(blob.Sha256, e.Sha256);
        Assert.Contains(Sha256Hex(tampered), e.Message);
    }

    [Fact]
    public async Task DownloadToFile_LeavesNoFileBehind_WhenBlobIsCorrupted()
    {
        var blob = await PutBytesAsync(RandomBytes(50_000, seed: 10));
        await OverwriteBlobAsync(blob.Sha256, RandomBytes(50_000, seed: 11));
        var destination = Path.Combine(Scratch, "out.bin");

        await Assert.ThrowsAsync<ArtifactCorruptedException>(() => Store.DownloadToFileAsync(blob.Sha256, destination));

        Assert.Empty(Directory.GetFileSystemEntries(Scratch));
    }

    [Fact]
    public async Task CopyTo_StreamsTheBytesThatWerePut()
    {
        var bytes = RandomBytes(300_000, seed: 20);
        var blob = await PutBytesAsync(bytes);
        using var destination = new MemoryStream();

        await Store.CopyToAsync(blob.Sha256, destination);

        Assert.Equal(bytes, destination.ToArray());
    }

    [Fact]
    public async Task CopyTo_ThrowsCorrupted_WhenStoredBytesNoLongerMatchTheKey()
    {
        var blob = await PutBytesAsync(RandomBytes(50_000, seed: 21));
        await OverwriteBlobAsync(blob.Sha256, RandomBytes(50_000, seed: 22));

        await Assert.ThrowsAsync<ArtifactCorruptedException>(() => Store.CopyToAsync(blob.Sha256, new MemoryStream()));
    }

    [Fact]
    public async Task ReadPrefix_ReturnsTheFirstBytes_OrTheWholeBlobWhenItIsShorter()
    {
        var bytes = RandomBytes(2 * 1024 * 1024, seed: 23);
        var blob = await PutBytesAsync(bytes);

        Assert.Equal(bytes[..8], await Store.ReadPrefixAsync(blob.Sha256, 8));
        Assert.Equal(bytes[..100_000], await Store.ReadPrefixAsync(blob.Sha256, 100_000));
        Assert.Equal(bytes, await Store.ReadPrefixAsync(blob.Sha256, 3 * 1024 * 1024));
        Assert.Empty(await Store.ReadPrefixAsync(blob.Sha256, 0));
    }

    [Fact]
    public async Task ReadPrefix_ThrowsNotFound_WhenBlobWasNeverPut()
    {
        var sha = Sha256Hex(RandomBytes(10, seed: 24));

        var e = await Assert.ThrowsAsync<ArtifactNotFoundException>(() => Store.ReadPrefixAsync(sha, 8));

        Assert.Equal(sha, e.Sha256);
    }

    public static TheoryData<string> InvalidKeys() => new()
    {
        "",
        "abc",
        "../../../../etc/passwd",
        new string('a', 63),
        new string('a', 65),
        new string('g', 64),
        "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855", // upper case is not the key's spelling
        "e3/0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "..b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        " e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b85",
    };

    [Theory]
    [MemberData(nameof(InvalidKeys))]
    public async Task EveryRead_RejectsAKeyThatIsNot64LowercaseHex(string key)
    {
        var destination = Path.Combine(Scratch, "x.bin");

        var exists = await Assert.ThrowsAsync<ArgumentException>(() => Store.ExistsAsync(key));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ReadAllBytesAsync(key));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.DownloadToFileAsync(key, destination));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.CopyToAsync(key, new MemoryStream()));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ReadPrefixAsync(key, 8));

        Assert.Contains("64 lowercase hex", exists.Message);
        Assert.False(File.Exists(destination));
    }

    [Fact]
    public async Task EveryRead_RejectsANullKey()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.ExistsAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.ReadAllBytesAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.DownloadToFileAsync(null!, Path.Combine(Scratch, "x")));
    }

    [Fact]
    public async Task ConcurrentPuts_OfTheSameContent_AllSucceedWithOneIntactBlob()
    {
        var bytes = RandomBytes(1 << 20, seed: 12);

        var blobs = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => PutBytesAsync(bytes))));

        Assert.All(blobs, b => Assert.Equal(new BlobInfo(Sha256Hex(bytes), bytes.Length), b));
        Assert.Equal(bytes, await Store.ReadAllBytesAsync(blobs[0].Sha256));
    }

    [Fact]
    public async Task LargeBlob_OfTwentyMegabytes_RoundTripsThroughAFile()
    {
        var bytes = RandomBytes(20 * 1024 * 1024 + 123, seed: 13);
        var input = Path.Combine(Scratch, "large.in");
        var output = Path.Combine(Scratch, "large.out");
        await File.WriteAllBytesAsync(input, bytes);

        var blob = await Store.PutFileAsync(input);
        await Store.DownloadToFileAsync(blob.Sha256, output);

        Assert.Equal(new BlobInfo(Sha256Hex(bytes), bytes.Length), blob);
        Assert.Equal(bytes, await File.ReadAllBytesAsync(output));
    }

    [Fact]
    public async Task List_ShowsEveryBlobOnce_WithItsSizeAndTime_AndDelete_RemovesOnlyThatBlob()
    {
        var before = DateTime.UtcNow.AddMinutes(-1);
        var a = await PutBytesAsync(RandomBytes(100, seed: 14));
        var b = await PutBytesAsync(RandomBytes(200, seed: 15));
        await PutBytesAsync(RandomBytes(100, seed: 14)); // the same content again: still one blob

        var listed = new List<StoredBlob>();
        await foreach (var x in Store.ListAsync()) listed.Add(x);
        Assert.Equal(new[] { (a.Sha256, 100L), (b.Sha256, 200L) }.OrderBy(x => x.Item1), listed.Select(x => (x.Sha256, x.Size)).OrderBy(x => x.Item1));
        Assert.All(listed, x => Assert.InRange(x.StoredAt, before, DateTime.UtcNow.AddMinutes(1)));

        await Store.DeleteAsync(a.Sha256);
        await Store.DeleteAsync(a.Sha256); // absent: a no-op
        Assert.False(await Store.ExistsAsync(a.Sha256));
        Assert.True(await Store.ExistsAsync(b.Sha256));
        await Assert.ThrowsAsync<ArtifactNotFoundException>(() => Store.ReadAllBytesAsync(a.Sha256));
    }
}
