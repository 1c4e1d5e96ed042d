using MongoDB.Driver;
using MongoMigrate.Engine.Resilience;
using MongoMigrate.Engine.ServerCommands;

namespace MongoMigrate.Engine.ChangeStreams.Capture;

/// <summary>
/// Reads a change stream from a position the source gave and hands every batch, raw and in order, to a
/// sink. After a transient error it resumes after the last token it handed on (a post-batch token while
/// the source is idle), so nothing is missed or seen twice; a lost history is a failure of its own.
/// </summary>
public sealed class ChangeStreamCapture
{
    private const int ChangeStreamHistoryLost = 286;
    private const int CappedPositionLost = 136;
    private const int ChangeStreamFatalError = 280;

    private readonly ChangeStreamScope _scope;
    private readonly IChangeEventSink _sink;
    private readonly CaptureOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly IMongoClient _source;
    private long _resumes;
    private bool _splitLargeEvents;

    public ChangeStreamCapture(IMongoClient source, ChangeStreamScope scope, IChangeEventSink sink, CaptureOptions? options = null, TimeProvider? timeProvider = null)
    {
        _scope = scope;
        _sink = sink;
        _options = options ?? new CaptureOptions();
        _options.Validate();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _source = source;
        _splitLargeEvents = _options.SplitLargeEvents;
    }

    /// <summary>Where the next (re)opening starts: the last token handed to the sink, or the start.</summary>
    public CapturePosition? Position { get; private set; }

    /// <summary>Times the stream was opened again after a transient error.</summary>
    public long Resumes => Interlocked.Read(ref _resumes);

    /// <summary>Captures until cancelled (the only normal end) or a failure that resuming cannot cure.</summary>
    /// <exception cref="ChangeStreamHistoryLostException">The source's history no longer reaches the position.</exception>
    /// <exception cref="MigrationException">The stream was invalidated, or failed for good.</exception>
    public async Task RunAsync(CapturePosition start, CancellationToken cancellationToken)
    {
        Position = start;
        var failuresInARow = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ChangeStreamCursor? cursor = null;
            IClientSessionHandle? session = null;
            var fragments = new SplitEventAssembler();
            try
            {
                // The cursor's getMores must run in the session that opened it.
                session = await _source.StartSessionAsync(new ClientSessionOptions { CausalConsistency = false }, cancellationToken).ConfigureAwait(false);
                cursor = await ChangeStreamCursor.OpenAsync(
                    new RawCommandRunner(_source.GetDatabase(_scope.CommandDatabase), session),
                    _scope.OpenCommand(Position, _options.BatchSize, _options.ShowExpandedEvents, _splitLargeEvents),
                    _options.BatchSize,
                    _options.MaxAwaitTime,
                    cancellationToken).ConfigureAwait(false);
                while (!cursor.IsClosed)
                {
                    var batch = fragments.Assemble(await cursor.NextAsync(cancellationToken).ConfigureAwait(false));
                    await _sink.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
                    if (batch.ResumeToken is { } token)
                    {
                        Position = CapturePosition.AfterToken(token);
                    }

                    failuresInARow = 0;
                    if (batch.Events.Count > 0 && new ChangeEvent(batch.Events[^1]).OperationType == "invalidate")
                    {
                        throw new MigrationException(
                            $"The source's change stream was invalidated at {Position}: a watched collection or database was dropped or renamed. Start the online migration anew.");
                    }
                }
            }
            catch (MongoCommandException error) when (error.Code == ChangeStreamAggregateCommand.UnrecognizedStage && _splitLargeEvents)
            {
                // A source older than 7.0 (or 6.0.9): read without fragments.
                _splitLargeEvents = false;
            }
            catch (MongoCommandException error) when (error.Code is ChangeStreamHistoryLost or CappedPositionLost)
            {
                throw new ChangeStreamHistoryLostException(_scope.Namespaces, Position.ToString(), error);
            }
            catch (MongoCommandException error) when (error.Code == ChangeStreamFatalError)
            {
                throw new MigrationException($"The source's change stream failed for good at {Position}: {ErrorDescription.Of(error)}", error);
            }
            catch (Exception error) when (TransientErrors.IsTransient(error) && !cancellationToken.IsCancellationRequested)
            {
                if (++failuresInARow > _options.MaxResumeAttempts)
                {
                    throw new MigrationException($"The source's change stream failed {failuresInARow} times in a row at {Position}; the last error: {ErrorDescription.Of(error)}", error);
                }

                Interlocked.Increment(ref _resumes);
                var delay = TimeSpan.FromTicks(Math.Min(_options.FirstResumeDelay.Ticks << Math.Min(failuresInARow - 1, 16), TimeSpan.FromSeconds(15).Ticks));
                await Task.Delay(delay, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                if (cursor is not null && !cursor.IsClosed)
                {
                    using var closing = new CancellationTokenSource(TimeSpan.FromSeconds(5), _timeProvider);
                    await cursor.CloseAsync(closing.Token).ConfigureAwait(false);
                }

                session?.Dispose();
            }
        }
    }
}
