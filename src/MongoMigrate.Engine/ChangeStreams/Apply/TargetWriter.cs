using System.Collections.Concurrent;
using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.Resilience;
using MongoMigrate.Engine.ServerCommands;
using Polly;

namespace MongoMigrate.Engine.ChangeStreams.Apply;

/// <summary>
/// Sends a batch of writes, one per document key, to the target as raw unordered update and delete
/// commands per collection. Updates that the target refuses (the document there is not in a state the
/// description fits) and refreshes are done by reading the document from the source. Every write is
/// idempotent, so a batch cut short by a transient error is simply sent again.
/// </summary>
public sealed class TargetWriter
{
    private readonly IMongoClient _source;
    private readonly IMongoClient _target;
    private readonly ResiliencePipeline _retry;
    private readonly ConcurrentDictionary<string, RawCommandRunner> _sourceRunners = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RawCommandRunner> _targetRunners = new(StringComparer.Ordinal);
    private long _refreshes;

    public TargetWriter(IMongoClient source, IMongoClient target, TimeProvider? timeProvider = null)
    {
        _source = source;
        _target = target;
        _retry = RetryPolicy.Create(timeProvider ?? TimeProvider.System);
    }

    /// <summary>Documents read again from the source because their update could not be applied as described.</summary>
    public long Refreshes => Interlocked.Read(ref _refreshes);

    /// <summary>Applies the batch; at most one operation per (namespace, _id).</summary>
    /// <exception cref="MigrationException">The target refused a write for good (e.g. a unique index collision).</exception>
    public Task ApplyAsync(IReadOnlyList<ApplyOperation> batch, CancellationToken cancellationToken) =>
        _retry.ExecuteAsync(
            async (state, token) => await ApplyOnceAsync(state, token).ConfigureAwait(false),
            batch,
            cancellationToken).AsTask();

    private async Task ApplyOnceAsync(IReadOnlyList<ApplyOperation> batch, CancellationToken cancellationToken)
    {
        var refreshes = new List<ApplyOperation>();
        foreach (var group in batch.GroupBy(o => o.Target))
        {
            var runner = Runner(_targetRunners, _target, group.Key.Database);
            var writes = group.Where(o => o.Kind is ApplyOperationKind.Replace or ApplyOperationKind.Update).ToList();
            var deletes = group.Where(o => o.Kind == ApplyOperationKind.Delete).ToList();
            refreshes.AddRange(group.Where(o => o.Kind == ApplyOperationKind.Refresh));
            if (writes.Count > 0)
            {
                var reply = await RunUpdateAsync(runner, group.Key, writes, cancellationToken).ConfigureAwait(false);
                foreach (var (index, code, message) in WriteErrors(reply))
                {
                    var failed = writes[index];
                    if (failed.Kind != ApplyOperationKind.Update)
                    {
                        throw Refused(failed, code, message);
                    }

                    refreshes.Add(failed.AsRefresh());
                }
            }

            if (deletes.Count > 0)
            {
                var reply = await runner.RunAsync(DeleteCommand(group.Key, deletes), cancellationToken).ConfigureAwait(false);
                foreach (var (index, code, message) in WriteErrors(reply))
                {
                    throw Refused(deletes[index], code, message);
                }
            }
        }

        foreach (var refresh in refreshes)
        {
            await RefreshAsync(refresh, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Makes the target's document what the source holds now (a later state, which the events after this one reach again).</summary>
    private async Task RefreshAsync(ApplyOperation operation, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _refreshes);
        var find = new FindCommand(operation.Source.Collection) { Filter = IdFilter.Equal(operation.Id), Limit = 1, SingleBatch = true }.Build();
        var reply = await Runner(_sourceRunners, _source, operation.Source.Database).RunAsync(find, cancellationToken).ConfigureAwait(false);
        var batch = reply["cursor"].AsDocument["firstBatch"].AsDocument;
        var runner = Runner(_targetRunners, _target, operation.Target.Database);
        if (batch.TryGetFirst(out var first))
        {
            var replace = operation with { Kind = ApplyOperationKind.Replace, Body = new RawDocument(first.Value.AsDocument.Span.ToArray()) };
            var written = await RunUpdateAsync(runner, operation.Target, [replace], cancellationToken).ConfigureAwait(false);
            foreach (var (_, code, message) in WriteErrors(written))
            {
                throw Refused(replace, code, message);
            }
        }
        else
        {
            var deleted = await runner.RunAsync(DeleteCommand(operation.Target, [operation]), cancellationToken).ConfigureAwait(false);
            foreach (var (_, code, message) in WriteErrors(deleted))
            {
                throw Refused(operation, code, message);
            }
        }
    }

    /// <summary>Sends the writes; replacements holding a top-level Timestamp(0,0) ask the target to keep it (<see cref="EmptyTimestamps"/>).</summary>
    private static async Task<RawDocument> RunUpdateAsync(RawCommandRunner runner, NamespaceName target, IReadOnlyList<ApplyOperation> writes, CancellationToken cancellationToken)
    {
        var emptyTimestamp = writes.FirstOrDefault(w => w.Kind == ApplyOperationKind.Replace && EmptyTimestamps.WouldBeFilled(w.Body));
        try
        {
            return await runner.RunAsync(UpdateCommand(target, writes, emptyTimestamp is not null), cancellationToken).ConfigureAwait(false);
        }
        catch (MongoCommandException e) when (emptyTimestamp is not null && EmptyTimestamps.IsFlagRefused(e))
        {
            throw EmptyTimestamps.TargetCannotKeep(target.ToString(), emptyTimestamp.Body, e);
        }
    }

    private static RawDocument UpdateCommand(NamespaceName target, IReadOnlyList<ApplyOperation> writes, bool keepEmptyTimestamps) =>
        UpdateByIdCommand.Build(target.Collection, [.. writes.Select(w => new UpdateById(w.Id, w.Body, Upsert: w.Kind == ApplyOperationKind.Replace))], keepEmptyTimestamps);

    private static RawDocument DeleteCommand(NamespaceName target, IReadOnlyList<ApplyOperation> deletes) =>
        DeleteByIdCommand.Build(target.Collection, [.. deletes.Select(d => d.Id)]);

    private static IEnumerable<(int Index, int Code, string Message)> WriteErrors(RawDocument reply)
    {
        if (reply.TryGetValue("writeConcernError", out var concern) && concern.Type == BsonTypeCode.Document)
        {
            throw new MigrationException($"The target did not confirm writes with the write concern: {concern.AsDocument}");
        }

        if (!reply.TryGetValue("writeErrors", out var errors) || errors.Type != BsonTypeCode.Array)
        {
            yield break;
        }

        foreach (var element in errors.AsDocument)
        {
            var error = element.Value.AsDocument;
            yield return (error["index"].AsInt32, error["code"].AsInt32, error.TryGetValue("errmsg", out var message) ? message.AsString : string.Empty);
        }
    }

    private static MigrationException Refused(ApplyOperation operation, int code, string message) => new(
        $"The target refused to apply a change to {operation.Target} (_id {operation.Id}): {message} (code {code}). Check the target's indexes and validation rules; the change stays in the spool and is applied again on resume.");

    private static RawCommandRunner Runner(ConcurrentDictionary<string, RawCommandRunner> runners, IMongoClient client, string database) =>
        runners.GetOrAdd(database, static (name, c) => new RawCommandRunner(c.GetDatabase(name)), client);
}
