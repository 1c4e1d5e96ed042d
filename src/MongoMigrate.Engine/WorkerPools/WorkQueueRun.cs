using System.Runtime.ExceptionServices;

namespace MongoMigrate.Engine.WorkerPools;

/// <summary>One run of a work queue: a dispatcher that starts an item each time the pool grants a slot, and the bookkeeping of retries and failures.</summary>
/// <remarks>
/// The dispatcher holds at most one item and one pending acquire at a time, so a live resize acts at
/// once (a raise grants its acquire, a lower makes it wait) and an item never holds a slot while waiting
/// for the source. Everything waits on a signal: the pool's grant, the source, or the wake-up that a
/// finishing worker gives when it re-queues an item or is the last one out.
/// </remarks>
internal sealed class WorkQueueRun<TItem>
{
    private readonly WorkerPoolManager _pool;
    private readonly WorkQueueOptions<TItem> _options;
    private readonly Func<TItem, WorkerContext, CancellationToken, Task> _work;
    private readonly IWorkSource<TItem> _source;
    private readonly CancellationTokenSource _stop;
    private readonly Lock _gate = new();
    private readonly Queue<WorkQueueAttempt<TItem>> _retries = new();
    private readonly List<WorkItemFailure<TItem>> _failures = [];
    private TaskCompletionSource? _wake;
    private int _inFlight;
    private bool _stopping;
    private int _succeeded;
    private int _retried;
    private int _stuck;

    // Touched by the dispatcher only.
    private Task<bool>? _sourceWait;
    private bool _sourceDone;

    public WorkQueueRun(
        WorkerPoolManager pool,
        WorkQueueOptions<TItem> options,
        Func<TItem, WorkerContext, CancellationToken, Task> work,
        IWorkSource<TItem> source,
        CancellationToken cancellationToken)
    {
        _pool = pool;
        _options = options;
        _work = work;
        _source = source;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    }

    public async Task<WorkQueueResult<TItem>> RunAsync(CancellationToken cancellationToken)
    {
        Exception? dispatchError = null;
        try
        {
            while (await NextAttemptAsync().ConfigureAwait(false) is { } attempt)
            {
                var slot = await _pool.AcquireAsync(_options.Priority, _stop.Token).ConfigureAwait(false);
                if (_stop.IsCancellationRequested)
                {
                    // Granted while the cancellation was running: starting the item would only cancel it.
                    slot.Dispose();
                    break;
                }

                lock (_gate)
                {
                    _inFlight++;
                }

                // Off the dispatcher's stack, through the thread pool's global queue: items start in the
                // order they were dispatched (a thread's local queue is LIFO), and the dispatcher goes back
                // to waiting for the next slot at once.
                attempt.Slot = slot;
                ThreadPool.QueueUserWorkItem(static a => _ = a.Run.ExecuteAsync(a), attempt, preferLocal: false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // The caller cancelled, or a failure stopped the run: wait for the running items below.
        }
        catch (Exception ex)
        {
            // The source failed or the pool was cleaned up under the run.
            dispatchError = ex;
            Stop();
        }

        await DrainAsync().ConfigureAwait(false);
        ObserveAbandonedSourceWait();
        _source.Dispose();
        _stop.Dispose();

        if (dispatchError is not null)
        {
            ExceptionDispatchInfo.Throw(dispatchError);
        }

        if (_options.FailureMode == WorkQueueFailureMode.StopOnFirstFailure && _failures.Count > 0)
        {
            var failure = _failures[0];
            throw new WorkItemFailedException(
                _options.CollectionKey, failure.Item, TryDescribe(failure.Item), failure.Attempts, failure.Exception);
        }

        cancellationToken.ThrowIfCancellationRequested();
        return new WorkQueueResult<TItem>(_succeeded, _retried, _stuck, [.. _failures]);
    }

    private async ValueTask<WorkQueueAttempt<TItem>?> NextAttemptAsync()
    {
        while (true)
        {
            Task wake;
            lock (_gate)
            {
                if (_stopping || _stop.IsCancellationRequested)
                {
                    return null;
                }

                // Retries first: they are the oldest work, and a collection finishes only when they do.
                if (_retries.TryDequeue(out var retry))
                {
                    return retry;
                }

                if (_sourceDone && _inFlight == 0)
                {
                    return null;
                }

                wake = (_wake ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }

            if (_sourceDone)
            {
                // Nothing new will come; a running item may still fail and come back.
                await wake.WaitAsync(_stop.Token).ConfigureAwait(false);
                continue;
            }

            if (_source.TryTake(out var item))
            {
                return new WorkQueueAttempt<TItem>(this, item, 1);
            }

            if (_source.IsExhausted)
            {
                _sourceDone = true;
                continue;
            }

            _sourceWait ??= _source.WaitAsync(_stop.Token).AsTask();
            if (!_sourceWait.IsCompleted)
            {
                await Task.WhenAny(_sourceWait, wake).ConfigureAwait(false);
            }

            if (_sourceWait.IsCompleted)
            {
                var more = await _sourceWait.ConfigureAwait(false);
                _sourceWait = null;
                _sourceDone = !more;
            }
        }
    }

    /// <summary>Runs one attempt; never throws (its outcome goes into the run's bookkeeping).</summary>
    internal async Task ExecuteAsync(WorkQueueAttempt<TItem> attempt)
    {
        var slot = attempt.Slot;
        WorkerContext? context = null;
        Exception? error = null;
        try
        {
            context = _pool.Workers.Register(
                _options.CollectionKey,
                _pool.NextWorkerId(),
                TryDescribe(attempt.Item),
                attempt.Number,
                _stop.Token,
                WorkQueueAttempt<TItem>.OnStuck,
                attempt);
            await _work(attempt.Item, context, context.CancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            error = ex;
        }

        if (context is not null)
        {
            var tracked = error is null ? WorkerOutcome.Succeeded
                : error is OperationCanceledException && context.CancellationToken.IsCancellationRequested ? WorkerOutcome.Canceled
                : WorkerOutcome.Failed;
            _pool.Workers.Complete(context, tracked);
        }

        // Decided outside the gate: the predicate is the caller's code.
        var stopped = error is OperationCanceledException && _stop.IsCancellationRequested;
        var retryable = error is not null && !stopped && attempt.Number < _options.MaxAttempts && IsRetryable(error);

        // The retry is queued before the slot is released, or the dispatcher could take the freed slot for
        // new items first and leave the retry (and the failure it may become) for the very end.
        Settle(attempt, error, stopped, retryable);
        slot.Dispose();
        Leave();
    }

    private void Settle(WorkQueueAttempt<TItem> attempt, Exception? error, bool stopped, bool retryable)
    {
        TaskCompletionSource? wake = null;
        var stop = false;
        lock (_gate)
        {
            attempt.Finished = true;
            if (!attempt.HandedBack && !stopped)
            {
                if (error is null)
                {
                    _succeeded++;
                }
                else if (retryable && !_stopping)
                {
                    _retries.Enqueue(attempt.Next());
                    _retried++;
                    wake = TakeWakeLocked();
                }
                else if (!_stopping)
                {
                    stop = RecordFailureLocked(attempt, error);
                }
            }
        }

        if (stop)
        {
            Stop();
        }

        wake?.TrySetResult();
    }

    /// <summary>Counts an item out once its slot is back, so a drained run never returns while a slot is still held.</summary>
    private void Leave()
    {
        TaskCompletionSource? wake = null;
        lock (_gate)
        {
            if (--_inFlight == 0)
            {
                wake = TakeWakeLocked();
            }
        }

        wake?.TrySetResult();
    }

    /// <summary>The health check declared the attempt's worker stuck: hand the item back now, the stuck run keeps its slot until it returns.</summary>
    internal void OnStuck(WorkQueueAttempt<TItem> attempt)
    {
        TaskCompletionSource? wake;
        var stop = false;
        lock (_gate)
        {
            if (attempt.Finished || attempt.HandedBack)
            {
                return;
            }

            attempt.HandedBack = true;
            _stuck++;
            if (_stopping)
            {
                return;
            }

            if (attempt.Number < _options.MaxAttempts)
            {
                _retries.Enqueue(attempt.Next());
                _retried++;
            }
            else
            {
                stop = RecordFailureLocked(attempt, new WorkerStuckException(
                    $"The worker running {TryDescribe(attempt.Item) ?? "(unnamed)"} of {_options.CollectionKey} made no progress and was declared stuck on its last attempt."));
            }

            wake = TakeWakeLocked();
        }

        if (stop)
        {
            Stop();
        }

        wake?.TrySetResult();
    }

    private bool RecordFailureLocked(WorkQueueAttempt<TItem> attempt, Exception error)
    {
        _failures.Add(new WorkItemFailure<TItem>(attempt.Item, attempt.Number, error));
        _options.GaveUp?.Invoke(attempt.Item, error);
        if (_options.FailureMode == WorkQueueFailureMode.StopOnFirstFailure && !_stopping)
        {
            _stopping = true;
            return true;
        }

        return false;
    }

    private TaskCompletionSource? TakeWakeLocked()
    {
        var wake = _wake;
        _wake = null;
        return wake;
    }

    private void Stop()
    {
        TaskCompletionSource? wake;
        lock (_gate)
        {
            _stopping = true;
            wake = TakeWakeLocked();
        }

        // Cancels the pending acquire and every running item's token; their callbacks take other locks.
        _stop.Cancel();
        wake?.TrySetResult();
    }

    private async Task DrainAsync()
    {
        // Not cancellable: a run never returns while one of its items still runs.
        while (true)
        {
            Task wake;
            lock (_gate)
            {
                if (_inFlight == 0)
                {
                    return;
                }

                wake = (_wake ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }

            await wake.ConfigureAwait(false);
        }
    }

    private void ObserveAbandonedSourceWait() =>
        _sourceWait?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    private bool IsRetryable(Exception error)
    {
        try
        {
            return _options.IsRetryable?.Invoke(error) ?? false;
        }
        catch (Exception)
        {
            // A predicate that throws cannot vouch for a retry; the item's own error is what gets reported.
            return false;
        }
    }

    private string? TryDescribe(TItem item)
    {
        try
        {
            return _options.DescribeItem is { } describe ? describe(item) : item?.ToString();
        }
        catch (Exception)
        {
            return null;
        }
    }
}
