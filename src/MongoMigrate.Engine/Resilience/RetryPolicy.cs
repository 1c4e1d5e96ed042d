using Polly;
using Polly.Retry;

namespace MongoMigrate.Engine.Resilience;

/// <summary>The retry pipeline for idempotent operations: exponential backoff with jitter on transient errors.</summary>
public static class RetryPolicy
{
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
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = firstDelay ?? TimeSpan.FromMilliseconds(200),
            MaxDelay = TimeSpan.FromSeconds(15),
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
