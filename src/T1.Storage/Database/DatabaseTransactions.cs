using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace T1.Storage.Database;

/// <summary>
/// Transactions under the database's execution strategy (<see cref="PostgresRetryStrategy"/>): a
/// retrying strategy refuses user-started transactions, so every transaction goes through here and
/// is replayed whole on a transient error. Inside an outer block the operation simply joins the
/// outer transaction (the outer block is what gets replayed).
/// </summary>
public static class DatabaseTransactions
{
    /// <summary>
    /// Runs <paramref name="operation"/> in a transaction and commits it; on a transient error the
    /// whole block runs again. When the error hit the commit itself, <paramref name="verify"/> (if
    /// given) is asked first whether the commit went through — then the block is not replayed and
    /// its result is <c>true</c>-equivalent, as <paramref name="verify"/> says.
    /// </summary>
    public static Task<T> InTransactionAsync<T>(this T1DbContext db, Func<CancellationToken, Task<T>> operation,
        CancellationToken ct = default, Func<CancellationToken, Task<(bool Succeeded, T Result)>>? verify = null)
    {
        if (db.Database.CurrentTransaction is not null) return operation(ct);
        var tries = 0;
        return db.Database.CreateExecutionStrategy().ExecuteAsync<object?, T>(null,
            async (context, _, token) =>
            {
                if (tries++ > 0) db.ChangeTracker.Clear(); // a replay starts from what the database has, not from half-saved entities
                await using var tx = await context.Database.BeginTransactionAsync(token);
                var result = await operation(token);
                await tx.CommitAsync(token);
                return result;
            },
            verify is null ? null : async (_, _, token) =>
            {
                db.ChangeTracker.Clear();
                var (ok, result) = await verify(token);
                return new ExecutionResult<T>(ok, result);
            },
            ct);
    }

    /// <summary><see cref="InTransactionAsync{T}"/> without a result.</summary>
    public static Task InTransactionAsync(this T1DbContext db, Func<CancellationToken, Task> operation, CancellationToken ct = default) =>
        db.InTransactionAsync<bool>(async token => { await operation(token); return true; }, ct);
}
