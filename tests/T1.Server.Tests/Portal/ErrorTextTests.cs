using T1.Server.Portal;
using T1.Storage.Artifacts;
using T1.Storage.Database;
using T1.Workflows.Engine;
using T1.Workflows.Steps;

namespace T1.Server.Tests.Portal;

/// <summary>Pages show why an artifact cannot be read without naming where the server keeps its files.</summary>
public sealed class ErrorTextTests
{
    [Fact]
    public void ArtifactAndFileErrors_NameNoServerPath()
    {
        var sha = new string('b', 64);
        Assert.Equal($"artifact {sha} is not in the artifact store (deleted, or the server's artifact settings point elsewhere)",
            ErrorText.Of(new ArtifactNotFoundException(sha, "/srv/t1/artifacts")));
        Assert.Equal("a file of the artifact is missing", ErrorText.Of(new FileNotFoundException("Could not find file '/srv/t1/cache/x/report.json'.")));
        Assert.Equal("a file of the artifact cannot be read", ErrorText.Of(new IOException("disk error at /srv/t1/cache")));
    }

    [Fact]
    public async Task ReportOfARun_WhoseArtifactIsGone_SaysSo_WithoutTheDataFolder()
    {
        await using var server = await PortalServer.StartAsync(requireLogin: false);
        var sha = new string('c', 64);
        var run = new RunRecord { Id = "gone", WorkflowName = "w", ParamsJson = "{}" };
        var step = new StepRunRecord
        {
            RunId = "gone", StepId = "eval", StepType = "evaluate", Queue = "cpu", Status = StepStatus.Succeeded,
            OutputsJson = $"{{\"report\": \"{ArtifactRef.Prefix}{sha}\"}}",
        };
        var reports = await server.Get<TraceReports>().OfRunAsync(new RunDetails(run, [step], []));
        var error = Assert.Single(reports).Error;
        Assert.Equal($"cannot read the report of eval: artifact {sha} is not in the artifact store (deleted, or the server's artifact settings point elsewhere)", error);
        Assert.DoesNotContain(server.Directory, error);
    }
}
