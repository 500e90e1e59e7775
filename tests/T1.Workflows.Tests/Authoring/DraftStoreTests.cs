using T1.Workflows.Authoring;

namespace T1.Workflows.Tests.Authoring;

public sealed class DraftStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "t1-drafts-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task SaveThenLoad_ReplacesThePreviousDraftOfThatName()
    {
        var store = new DraftStore(_dir);
        Assert.Null(await store.LoadAsync("hello"));
        await store.SaveAsync("hello", "name: hello\n# one\n");
        await store.SaveAsync("hello", "name: hello\n# two\n");
        await store.SaveAsync("other", "name: other\n");
        Assert.Equal("name: hello\n# two\n", await store.LoadAsync("hello"));
        Assert.Equal(["hello", "other"], store.List().Select(d => d.Name).Order());
        Assert.True(store.Delete("hello"));
        Assert.Null(await store.LoadAsync("hello"));
    }

    [Fact]
    public void PathOf_NeverLeavesTheFolder()
    {
        var store = new DraftStore(_dir);
        Assert.Equal(Path.Combine(_dir, "etc-passwd.yaml"), store.PathOf("../../etc/passwd"));
        Assert.Equal(Path.Combine(_dir, "untitled.yaml"), store.PathOf(".."));
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir)) Directory.Delete(_dir, true);
    }
}
