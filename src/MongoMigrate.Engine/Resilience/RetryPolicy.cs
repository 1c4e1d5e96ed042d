using Polly;
using Polly.Retry;

namespace MongoMigrate.Engine.Resilience;

/// <summary>The retry pipeline for idempotent operations: on transient errors, the engine's <see cref="Backoff"/> (200 ms doubling, at most 15 s).</summary>
public static class RetryPolicy
{
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(15);

    public static ResiliencePipeline Create(TimeProvider timeProvider, int maxRetries = 6, TimeSpan? firstDelay = null, Action<Exception, int>? onRetry = null)
    {
        if (maxRetries == 0)
        {
            return ResiliencePipeline.Empty;
        }

        var builder = new ResiliencePipelineBuilder { TimeProvider = timeProvider };
        return builder.AddRetry(new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(TransientErrors.IsTransient),
            MaxRetryAttempts = maxRetries,
            DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(Backoff.Exponential(firstDelay ?? TimeSpan.FromMilliseconds(200), args.AttemptNumber, MaxDelay)),
            OnRetry = args =>
            {
                if (args.Outcome.Exception is { } error)
                {
                    onRetry?.Invoke(error, args.AttemptNumber + 1);
                }

                return ValueTask.CompletedTask;
            },
        }).Build();
    }
}
