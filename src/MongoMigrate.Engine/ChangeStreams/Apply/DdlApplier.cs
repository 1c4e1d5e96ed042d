using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.ChangeStreams.Capture;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.ServerCommands;

namespace MongoMigrate.Engine.ChangeStreams.Apply;

/// <summary>
/// Collection and database changes, applied at a barrier (every change before them applied, none after
/// started): a plain create and a drop are applied to the target; the others (rename, dropDatabase, index
/// and option changes, a create with options) stop following with the reason.
/// </summary>
internal sealed class DdlApplier(IMongoClient target)
{
    public async Task ApplyAsync(ChangeEvent change, NamespaceName targetNamespace, CancellationToken cancellationToken)
    {
        var runner = new RawCommandRunner(target.GetDatabase(targetNamespace.Database));
        switch (change.OperationType)
        {
            case "create" when IsPlainCreate(change):
                await RunIgnoringAsync(runner, CreateCommand.Build(targetNamespace.Collection), CreateCommand.NamespaceExists, cancellationToken).ConfigureAwait(false);
                return;
            case "drop":
                await RunIgnoringAsync(runner, DropCommand.Build(targetNamespace.Collection), DropCommand.NamespaceNotFound, cancellationToken).ConfigureAwait(false);
                return;
            case "createIndexes" when Indexes(change) is { } indexes && indexes.All(IsPlainIndex):
                await runner.RunAsync(CreateIndexesCommand.Build(targetNamespace.Collection, indexes), cancellationToken).ConfigureAwait(false);
                return;
            case "dropIndexes" when Indexes(change) is { } dropped:
                foreach (var index in dropped)
                {
                    var command = DropIndexesCommand.Build(targetNamespace.Collection, index["name"]);
                    await RunIgnoringAsync(runner, command, DropIndexesCommand.IndexNotFound, cancellationToken).ConfigureAwait(false);
                }

                return;
            default:
                throw new ChangeStreamStoppedException(change.OperationType, change.Namespace, change.ClusterTime);
        }
    }

    /// <summary>The index specifications of an index event, or null when it has none.</summary>
    private static List<RawDocument>? Indexes(ChangeEvent change)
    {
        if (!change.Document.TryGetValue("operationDescription", out var description) || description.Type != BsonTypeCode.Document
            || !description.AsDocument.TryGetValue("indexes", out var indexes) || indexes.Type != BsonTypeCode.Array)
        {
            return null;
        }

        return [.. indexes.AsDocument.Values().Select(v => v.AsDocument)];
    }

    /// <summary>
    /// An index that replaying older states cannot trip: a unique one could refuse a value that moved from one
    /// document to another, and a TTL one would delete documents the source still holds, until cutover.
    /// </summary>
    private static bool IsPlainIndex(RawDocument index) =>
        !(index.TryGetValue("unique", out var unique) && unique.IsTruthy) && !index.Contains("expireAfterSeconds");

    /// <summary>A create without options (other than its _id index), which a plain create reproduces.</summary>
    private static bool IsPlainCreate(ChangeEvent change)
    {
        if (!change.Document.TryGetValue("operationDescription", out var description) || description.Type != BsonTypeCode.Document)
        {
            return true;
        }

        foreach (var element in description.AsDocument)
        {
            if (!element.NameEquals("idIndex"))
            {
                return false;
            }
        }

        return true;
    }

    private static async Task RunIgnoringAsync(RawCommandRunner runner, RawDocument command, int ignoredCode, CancellationToken cancellationToken)
    {
        try
        {
            await runner.RunAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (MongoCommandException error) when (error.Code == ignoredCode)
        {
            // Already as the change leaves it.
        }
    }
}
