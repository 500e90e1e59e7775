using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using T1.Ml.Checkpoints;
using T1.Ml.Compute;
using T1.Ml.Sampling;
using T1.Storage.Database;
using T1.Workflows.Engine;
using T1.Workflows.Registry;
using T1.Workflows.Steps;

namespace T1.Server.Serving;

/// <summary>
/// Registry models as the /v1 API sees them. A model is named <c>NAME</c> (its champion, looked up on every
/// request, so a promotion takes effect at once), <c>NAME@vN</c> (a version) or <c>NAME@alias</c> (any registry alias). Each
/// version is loaded once, on first use, and shared by every request (one <see cref="DecodeEngine"/> each); at most
/// <see cref="ServingOptions.MaxLoadedModels"/> stay loaded, the least recently used idle one leaving first.
/// </summary>
public sealed class ServedModels(DatabaseFactory database, ArtifactCache artifacts, ServingOptions options, ILogger<ServedModels> log) : IDisposable
{
    private readonly Dictionary<string, Loaded> _loaded = [];
    private readonly SemaphoreSlim _loadLock = new(1, 1);

    /// <summary>A registry version resolved from a model id.</summary>
    public sealed record Resolved(string Name, int Version, string CheckpointSha256)
    {
        public string Id => $"{Name}@v{Version}";
    }

    private sealed class Loaded(DecodeEngine engine)
    {
        public DecodeEngine Engine { get; } = engine;
        public long LastUsed { get; set; } = Environment.TickCount64;
    }

    /// <summary>Every servable id: <c>NAME</c> for models with a champion, <c>NAME@alias</c> for every other alias, and <c>NAME@vN</c> for every version.</summary>
    public async Task<IReadOnlyList<(string Id, DateTime Created)>> ListAsync(CancellationToken ct)
    {
        await using var db = database.Create();
        var models = await db.Models.AsNoTracking().OrderBy(m => m.Name).ToListAsync(ct);
        var versions = await db.ModelVersions.AsNoTracking().OrderBy(v => v.ModelName).ThenBy(v => v.Version).ToListAsync(ct);
        var aliases = await db.ModelAliases.AsNoTracking().Where(a => a.Alias != ModelRegistry.ChampionAlias).OrderBy(a => a.Alias).ToListAsync(ct);
        var ids = new List<(string, DateTime)>();
        foreach (var m in models)
        {
            if (m.ChampionVersion is { } cv && versions.FirstOrDefault(v => v.ModelName == m.Name && v.Version == cv) is { } champion)
                ids.Add((m.Name, champion.CreatedAt));
            ids.AddRange(aliases.Where(a => a.ModelName == m.Name).Select(a => ($"{m.Name}@{a.Alias}", a.UpdatedAt)));
            ids.AddRange(versions.Where(v => v.ModelName == m.Name).Select(v => ($"{m.Name}@v{v.Version}", v.CreatedAt)));
        }
        return ids;
    }

    /// <summary>
    /// The version <paramref name="id"/> names, resolved by the registry (<see cref="ModelRegistry.ResolveAsync"/>:
    /// <c>NAME</c>, <c>NAME@alias</c>, <c>NAME@vN</c>, <c>NAME@latest</c>); a 404 model_not_found saying what exists otherwise.
    /// </summary>
    public async Task<Resolved> ResolveAsync(string id, CancellationToken ct)
    {
        try
        {
            var model = await new ModelRegistry(database).ResolveAsync(id, ct);
            return new Resolved(model.ModelName, model.Version, model.CheckpointSha256);
        }
        catch (RegistryException e)
        {
            throw NotFound(id, e.Message + "; GET /v1/models lists the servable models");
        }
    }

    /// <summary>The decode engine of <paramref name="model"/>, loading it if this is its first use.</summary>
    public async Task<DecodeEngine> EngineAsync(Resolved model, CancellationToken ct)
    {
        await _loadLock.WaitAsync(ct);
        try
        {
            if (_loaded.TryGetValue(model.Id, out var hit))
            {
                hit.LastUsed = Environment.TickCount64;
                return hit.Engine;
            }
            MakeRoom();
            var path = await artifacts.GetLocalPathAsync(new ArtifactRef(model.CheckpointSha256), ct);
            var device = DeviceSelector.Resolve(options.Device);
            var loaded = await Task.Run(() => Checkpoint.Load(path, device, ModelDtype.Parse(options.Dtype)), ct);
            if (loaded.Tokenizer is null)
            {
                loaded.Dispose();
                throw new ServingException(500, "server_error", "model_unusable", "model",
                    $"{model.Id}: its checkpoint has no tokenizer (vocab.json + merges.txt or tokenizer.json), so it cannot be served");
            }
            var engine = new DecodeEngine(loaded.Model, loaded.Tokenizer,
                new DecodeEngineOptions { MaxBatch = options.MaxBatch, MaxQueued = options.MaxQueued, CpuFastPath = options.CpuFastPath }, model.Id);
            log.LogInformation("serving {Model} on {Device} ({Parameters:N0} parameters, decode steps in {Step})", model.Id, device, loaded.Model.ParameterCount,
                engine.UsesCpuFastPath ? "managed SIMD code" : "libtorch");
            _loaded[model.Id] = new Loaded(engine);
            return engine;
        }
        finally { _loadLock.Release(); }
    }

    private void MakeRoom()
    {
        while (_loaded.Count >= Math.Max(1, options.MaxLoadedModels))
        {
            var idle = _loaded.Where(kv => kv.Value.Engine.Active == 0 && kv.Value.Engine.Queued == 0)
                .OrderBy(kv => kv.Value.LastUsed).Select(kv => kv.Key).FirstOrDefault();
            if (idle is null) return; // every loaded model is busy: load beside them rather than cut anyone off
            log.LogInformation("unloading {Model} (least recently used)", idle);
            _loaded[idle].Engine.Dispose();
            _loaded.Remove(idle);
        }
    }

    private static ServingException NotFound(string id, string message) =>
        new(404, "invalid_request_error", "model_not_found", "model", $"The model '{id}' does not exist: {message}");

    public void Dispose()
    {
        foreach (var l in _loaded.Values) l.Engine.Dispose();
        _loaded.Clear();
    }
}
