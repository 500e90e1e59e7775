using T1.Server.Tests.Platform;
using T1.Server.Tests.Steps;
using T1.Storage.Database;

namespace T1.Server.Tests.Chaos;

/// <summary>
/// Production shape for the rl chaos tests: a fresh PostgreSQL database, an S3 bucket on the test
/// s3rver, this process only starting runs, the init checkpoint stored once, and the evidence of one
/// uninterrupted run of <see cref="Workflow"/> on a real `t1 worker` — what every faulted run must match.
/// </summary>
public sealed class RlChaosFixture : IAsyncLifetime
{
    /// <summary>Steps of the rl run (a resumable state every <see cref="SaveEvery"/>).</summary>
    public const int Steps = 12, SaveEvery = 2;

    public PlatformHarness Client { get; private set; } = null!;
    public string Database { get; private set; } = "";
    public RunEvidence Reference { get; private set; } = null!;
    private string _init = "";

    /// <summary>
    /// A micro model (seeded init) trained by seeded rl: PPO epochs, minibatch shuffles, group
    /// filtering with refills and the dynamic anchor all in play, so resuming must restore each of them.
    /// Never cached: every run trains.
    /// </summary>
    public string Workflow => $$"""
        name: chaos-rl
        steps:
          - id: rl
            uses: rl
            cache: false
            with:
              init: "{{_init}}"
              task: arithmetic
              steps: {{Steps}}
              prompts_per_step: 2
              samples_per_prompt: 4
              max_new_tokens: 8
              lr: 0.001
              ppo_epochs: 2
              minibatches: 2
              filter_groups: true
              filter_max_rounds: 2
              anchor_every: 3
              save_every: {{SaveEvery}}
              seed: 5
              device: cpu
              alarm_overlong_max: 0
        """;

    public async Task InitializeAsync()
    {
        Database = await TestEnvironment.CreatePostgresDatabaseAsync();
        Client = await PlatformHarness.StartAsync(postgres: true, worker: false, connectionString: Database, s3: true);
        _init = await TinyCheckpoints.StoreAsync(Client, seed: 4);
        await using var worker = await StartWorkerAsync("reference");
        var run = await Client.StartAsync(Workflow);
        var d = await Client.WaitAsync(run.Id, TimeSpan.FromMinutes(8));
        var step = d.Steps.Single();
        Assert.True(d.Run.Status == RunStatus.Succeeded && step.Attempt == 1,
            $"the reference run was not one uninterrupted attempt: {d.Run.Status}, attempt {step.Attempt}: {step.Error}\n{worker.Output}");
        Reference = await RunEvidence.OfAsync(Client, run.Id, "rl");
    }

    /// <summary>
    /// A `t1 worker` on queue cpu. Its staleness limit is the production default (15 s), not the 3 s of
    /// the other cross-process tests: on a loaded machine a starting torch step can miss heartbeats for
    /// seconds, and a live attempt taken for dead would be a fault these tests did not inject.
    /// </summary>
    public Task<WorkerProcess> StartWorkerAsync(string name) =>
        WorkerProcess.StartAsync(name, "cpu", Database, Client.Directory, staleAfter: TimeSpan.FromSeconds(15));

    public async Task DisposeAsync()
    {
        if (Client is not null) await Client.DisposeAsync();
    }
}
