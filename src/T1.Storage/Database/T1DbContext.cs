using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace T1.Storage.Database;

/// <summary>
/// The metadata store. One model, two providers: <see cref="SqliteT1DbContext"/> (embedded
/// default) and <see cref="PostgresT1DbContext"/> (production); each has its own migrations.
/// All times are UTC <see cref="DateTime"/>s (Npgsql accepts only UTC; SQLite orders ISO text).
/// </summary>
public abstract class T1DbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<DefinitionRecord> Definitions => Set<DefinitionRecord>();
    public DbSet<RunRecord> Runs => Set<RunRecord>();
    public DbSet<StepRunRecord> StepRuns => Set<StepRunRecord>();
    public DbSet<RunTagRecord> RunTags => Set<RunTagRecord>();
    public DbSet<MetricRecord> Metrics => Set<MetricRecord>();
    public DbSet<StepLogRecord> StepLogs => Set<StepLogRecord>();
    public DbSet<StateTransitionRecord> StateTransitions => Set<StateTransitionRecord>();
    public DbSet<BlobRecord> Blobs => Set<BlobRecord>();
    public DbSet<ArtifactRecord> Artifacts => Set<ArtifactRecord>();
    public DbSet<ModelRecord> Models => Set<ModelRecord>();
    public DbSet<ModelVersionRecord> ModelVersions => Set<ModelVersionRecord>();
    public DbSet<PromotionDecisionRecord> PromotionDecisions => Set<PromotionDecisionRecord>();
    public DbSet<ModelAliasRecord> ModelAliases => Set<ModelAliasRecord>();
    public DbSet<AliasEventRecord> AliasEvents => Set<AliasEventRecord>();
    public DbSet<UserRecord> Users => Set<UserRecord>();
    public DbSet<ApiKeyRecord> ApiKeys => Set<ApiKeyRecord>();

    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        builder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
        builder.Properties<DateTime?>().HaveConversion<UtcNullableDateTimeConverter>();
        builder.Properties<RunStatus>().HaveConversion<string>().HaveMaxLength(16);
        builder.Properties<StepStatus>().HaveConversion<string>().HaveMaxLength(16);
        builder.Properties<RunTrigger>().HaveConversion<string>().HaveMaxLength(16);
    }

    protected override void OnModelCreating(ModelBuilder b)
    {
        b.Entity<DefinitionRecord>(e =>
        {
            e.ToTable("definitions");
            e.HasIndex(x => new { x.Name, x.ContentHash }).IsUnique();
            e.HasIndex(x => new { x.Name, x.Version }).IsUnique();
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.ContentHash).HasMaxLength(64);
        });
        b.Entity<RunRecord>(e =>
        {
            e.ToTable("runs");
            e.Property(x => x.Id).HasMaxLength(32);
            e.HasIndex(x => x.CreatedAt);
            e.HasIndex(x => new { x.WorkflowName, x.CreatedAt });
            e.HasIndex(x => new { x.Status, x.OwnerHost });
            e.Property(x => x.OwnerHost).HasMaxLength(200);
            e.Property(x => x.StartedBy).HasMaxLength(200);
            e.Property(x => x.TraceParent).HasMaxLength(64);
        });
        b.Entity<RunTagRecord>(e =>
        {
            e.ToTable("run_tags");
            e.HasKey(x => new { x.RunId, x.Key });
            e.HasIndex(x => new { x.Key, x.Value });
            e.Property(x => x.RunId).HasMaxLength(32);
            e.Property(x => x.Key).HasMaxLength(100);
            e.Property(x => x.Value).HasMaxLength(500);
        });
        b.Entity<StepRunRecord>(e =>
        {
            e.ToTable("step_runs");
            e.HasIndex(x => new { x.RunId, x.StepId }).IsUnique();
            e.HasIndex(x => new { x.CacheKey, x.Status });
            e.HasIndex(x => new { x.Status, x.HeartbeatAt });
            e.Property(x => x.StepId).HasMaxLength(64);
        });
        b.Entity<MetricRecord>(e =>
        {
            e.ToTable("metrics");
            e.HasIndex(x => new { x.StepRunId, x.Key, x.Step }).IsUnique();
            e.HasIndex(x => x.RunId);
            // A run's last value of a metric (runs search and columns): one index seek per run.
            e.HasIndex(x => new { x.RunId, x.Key, x.Id });
            e.Ignore(x => x.Value);
            e.Property(x => x.StoredValue).HasColumnName("Value");
        });
        b.Entity<StateTransitionRecord>(e =>
        {
            e.ToTable("state_transitions");
            e.HasIndex(x => new { x.RunId, x.Id });
            e.Property(x => x.RunId).HasMaxLength(32);
            e.Property(x => x.StepId).HasMaxLength(64);
            e.Property(x => x.From).HasMaxLength(16);
            e.Property(x => x.To).HasMaxLength(16);
            e.Property(x => x.By).HasMaxLength(200);
        });
        b.Entity<StepLogRecord>(e =>
        {
            e.ToTable("step_logs");
            e.HasIndex(x => new { x.StepRunId, x.Id });
        });
        b.Entity<BlobRecord>(e =>
        {
            e.ToTable("blobs");
            e.HasKey(x => x.Sha256);
            e.Property(x => x.Sha256).HasMaxLength(64);
        });
        b.Entity<ArtifactRecord>(e =>
        {
            e.ToTable("artifacts");
            e.HasIndex(x => new { x.RunId, x.StepId, x.Name }).IsUnique();
            e.HasIndex(x => x.Sha256);
        });
        b.Entity<ModelRecord>(e =>
        {
            e.ToTable("models");
            e.HasKey(x => x.Name);
            e.Property(x => x.Name).HasMaxLength(200);
        });
        b.Entity<ModelVersionRecord>(e =>
        {
            e.ToTable("model_versions");
            e.HasIndex(x => new { x.ModelName, x.Version }).IsUnique();
            e.Property(x => x.ModelName).HasMaxLength(200);
        });
        b.Entity<ModelAliasRecord>(e =>
        {
            e.ToTable("model_aliases");
            e.HasIndex(x => new { x.ModelName, x.Alias }).IsUnique();
            e.Property(x => x.ModelName).HasMaxLength(200);
            e.Property(x => x.Alias).HasMaxLength(100);
        });
        b.Entity<AliasEventRecord>(e =>
        {
            e.ToTable("alias_events");
            e.HasIndex(x => new { x.ModelName, x.Id });
            e.Property(x => x.ModelName).HasMaxLength(200);
            e.Property(x => x.Alias).HasMaxLength(100);
        });
        b.Entity<PromotionDecisionRecord>(e =>
        {
            e.ToTable("promotion_decisions");
            e.HasIndex(x => x.Origin).IsUnique();
            e.HasIndex(x => new { x.ModelName, x.DecidedAt });
            e.Property(x => x.ModelName).HasMaxLength(200);
            e.Property(x => x.Origin).HasMaxLength(200);
        });
        b.Entity<UserRecord>(e =>
        {
            e.ToTable("users");
            e.HasIndex(x => x.Name).IsUnique();
            e.Property(x => x.Name).HasMaxLength(100);
            e.Property(x => x.Role).HasMaxLength(16);
            e.Property(x => x.SecurityStamp).HasMaxLength(64);
        });
        b.Entity<ApiKeyRecord>(e =>
        {
            e.ToTable("api_keys");
            e.HasIndex(x => x.Prefix).IsUnique();
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.Prefix).HasMaxLength(32);
            e.Property(x => x.Hash).HasMaxLength(64);
            e.Property(x => x.Role).HasMaxLength(16);
        });
    }

    private sealed class UtcDateTimeConverter() : ValueConverter<DateTime, DateTime>(
        v => v.Kind == DateTimeKind.Utc ? v : v.ToUniversalTime(),
        v => DateTime.SpecifyKind(v, DateTimeKind.Utc));

    private sealed class UtcNullableDateTimeConverter() : ValueConverter<DateTime?, DateTime?>(
        v => v == null ? v : v.Value.Kind == DateTimeKind.Utc ? v : v.Value.ToUniversalTime(),
        v => v == null ? v : DateTime.SpecifyKind(v.Value, DateTimeKind.Utc));
}

/// <summary>The embedded default: a SQLite file under <c>.t1/</c>.</summary>
public sealed class SqliteT1DbContext(DbContextOptions<SqliteT1DbContext> options) : T1DbContext(options);

/// <summary>Production: PostgreSQL through Npgsql.</summary>
public sealed class PostgresT1DbContext(DbContextOptions<PostgresT1DbContext> options) : T1DbContext(options);
