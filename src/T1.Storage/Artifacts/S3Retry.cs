using System.Diagnostics;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Minio.Exceptions;
using Polly;
using Polly.Retry;

namespace T1.Storage.Artifacts;

/// <summary>
/// The resilience pipeline of every S3 call (Polly): transient errors — the server unreachable,
/// restarting or answering 5xx, a connection dropped mid-transfer — are retried with exponential
/// back-off and jitter, capped at <see cref="S3ArtifactStoreOptions.RetryMaxDelay"/>, until the
/// first failure is <see cref="S3ArtifactStoreOptions.RetryFor"/> old (a healthy long upload is never
/// cut short: only failures start the clock). A missing object, a corrupted blob or refused
/// credentials are not transient and fail at once. Each retried operation must start over from
/// scratch (rewind what it uploads, truncate what it downloads). Every retry is logged (a warning
/// naming the store, the error and how long it has been failing), so an operator sees a step waiting on S3.
/// </summary>
public static class S3Retry
{
    private static readonly ResiliencePropertyKey<Stopwatch> FailingFor = new("t1.s3.failing-for");

    public static ResiliencePipeline Create(S3ArtifactStoreOptions options, string location = "S3", ILogger? logger = null) => new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(500),
            MaxDelay = options.RetryMaxDelay,
            ShouldHandle = args =>
            {
                if (args.Outcome.Exception is not { } e || !IsTransient(e, args.Context.CancellationToken)) return ValueTask.FromResult(false);
                if (!args.Context.Properties.TryGetValue(FailingFor, out var clock))
                    args.Context.Properties.Set(FailingFor, clock = Stopwatch.StartNew());
                return ValueTask.FromResult(clock.Elapsed < options.RetryFor);
            },
            OnRetry = args =>
            {
                var failingFor = args.Context.Properties.TryGetValue(FailingFor, out var clock) ? clock.Elapsed : TimeSpan.Zero;
                logger?.LogWarning("{Store} unavailable ({Error}); retry {Attempt} in {Delay:0.0} s, failing for {FailingFor:0} s (gives up after {RetryFor:0} s)",
                    location, args.Outcome.Exception?.GetBaseException().Message, args.AttemptNumber + 1, args.RetryDelay.TotalSeconds,
                    failingFor.TotalSeconds, options.RetryFor.TotalSeconds);
                return default;
            },
        })
        .Build();

    /// <summary>Whether <paramref name="e"/> (or what it wraps) is an error that waiting can cure.</summary>
    public static bool IsTransient(Exception e, CancellationToken callerToken)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            switch (x)
            {
                case ObjectNotFoundException or BucketNotFoundException or AuthorizationException or AccessDeniedException
                    or ArtifactNotFoundException or ArtifactCorruptedException or ArtifactStoreUnavailableException:
                    return false;
                case OperationCanceledException when callerToken.IsCancellationRequested:
                    return false;
                case OperationCanceledException: // the HTTP client's own timeout
                case HttpRequestException or IOException or SocketException or TimeoutException or ConnectionException:
                    return true;
                case ErrorResponseException r when r.Response?.Code is "InternalError" or "ServiceUnavailable" or "SlowDown" or "RequestTimeout":
                    return true;
            }
        }
        return false;
    }
}
