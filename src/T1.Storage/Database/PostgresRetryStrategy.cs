using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql.EntityFrameworkCore.PostgreSQL;

namespace T1.Storage.Database;

/// <summary>
/// Npgsql's retrying execution strategy with a time budget instead of a retry count: a transient
/// error (server down or restarting, connection lost, serialization failure) is retried with
/// exponential back-off capped at <see cref="DatabaseOptions.RetryMaxDelay"/> until
/// <see cref="DatabaseOptions.RetryFor"/> has passed since the first try. Every query and every
/// <see cref="DatabaseTransactions.InTransactionAsync{T}"/> block runs under it, so a PostgreSQL
/// restart or a minute-long outage delays a call instead of failing it. Until this process has
/// reached the database once nothing is retried: a wrong connection string fails at once.
/// </summary>
public sealed class PostgresRetryStrategy(ExecutionStrategyDependencies dependencies, DatabaseOptions options, DatabaseReach reach)
    : NpgsqlRetryingExecutionStrategy(dependencies, int.MaxValue, options.RetryMaxDelay, AlsoTransient)
{
    /// <summary>Server shutting down or starting up (admin_shutdown, crash_shutdown, cannot_connect_now): it is coming back.</summary>
    private static readonly string[] AlsoTransient = ["57P01", "57P02", "57P03"];

    private readonly Stopwatch _since = new();

    public override async Task<TResult> ExecuteAsync<TState, TResult>(TState state,
        Func<DbContext, TState, CancellationToken, Task<TResult>> operation,
        Func<DbContext, TState, CancellationToken, Task<ExecutionResult<TResult>>>? verifySucceeded, CancellationToken cancellationToken = default)
    {
        try
        {
            var result = await base.ExecuteAsync(state, operation, verifySucceeded, cancellationToken);
            reach.Succeeded(retried: ExceptionsEncountered.Count > 0);
            return result;
        }
        catch (RetryLimitExceededException e)
        {
            throw Unavailable(e);
        }
    }

    public override TResult Execute<TState, TResult>(TState state, Func<DbContext, TState, TResult> operation,
        Func<DbContext, TState, ExecutionResult<TResult>>? verifySucceeded)
    {
        try
        {
            var result = base.Execute(state, operation, verifySucceeded);
            reach.Succeeded(retried: ExceptionsEncountered.Count > 0);
            return result;
        }
        catch (RetryLimitExceededException e)
        {
            throw Unavailable(e);
        }
    }

    protected override void OnFirstExecution()
    {
        base.OnFirstExecution();
        _since.Restart();
    }

    protected override bool ShouldRetryOn(Exception? exception) => reach.Reached && base.ShouldRetryOn(exception);

    protected override TimeSpan? GetNextDelay(Exception lastException) =>
        _since.Elapsed < options.RetryFor ? base.GetNextDelay(lastException) : null;

    private DatabaseUnavailableException Unavailable(RetryLimitExceededException e)
    {
        var last = e.InnerException ?? e;
        return new DatabaseUnavailableException(
            $"{reach.Description} did not answer for {options.RetryFor.TotalSeconds:0} s ({last.GetType().Name}: {last.Message}); " +
            "check that it runs and that --database / T1__Database__ConnectionString points at it", last);
    }
}

/// <summary>
/// What this process has seen of its database (shared by the strategies of one <see cref="DatabaseFactory"/>):
/// whether it has reached it yet, and when it last came back after an outage (a call that succeeded only after retries).
/// </summary>
public sealed class DatabaseReach(string description)
{
    private long _recoveredAt = long.MinValue; // Environment.TickCount64, monotonic

    public string Description { get; } = description;

    public bool Reached { get; private set; }

    /// <summary>How long ago a call last succeeded after riding out an outage; null when none has.</summary>
    public TimeSpan? SinceRecovery
    {
        get
        {
            var at = Interlocked.Read(ref _recoveredAt);
            return at == long.MinValue ? null : TimeSpan.FromMilliseconds(Environment.TickCount64 - at);
        }
    }

    public void Succeeded(bool retried)
    {
        Reached = true;
        if (retried) Interlocked.Exchange(ref _recoveredAt, Environment.TickCount64);
    }
}

/// <summary>The database stayed unreachable for longer than <see cref="DatabaseOptions.RetryFor"/>.</summary>
public sealed class DatabaseUnavailableException(string message, Exception inner) : Exception(message, inner);
