using MongoDB.Driver;
using MongoMigrate.Bson;
using MongoMigrate.Engine.ChangeStreams.Capture;
using MongoMigrate.Engine.Indexes;
using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.ServerCommands;

namespace MongoMigrate.Engine.ChangeStreams.Apply;

/// <summary>
/// Collection and database changes, applied at a barrier (every change before them applied, none after started): a
/// create (with its options) and a drop are applied to the target; a rename within the selection is applied as a rename
/// (out of it, as a drop); a dropDatabase needs nothing more (its collections' drops came first); index creations and
/// drops are applied (unique and TTL indexes relaxed until cutover). The others (a view or time-series collection replacing a followed one, option changes) stop
/// following with the reason.
/// </summary>
internal sealed class DdlApplier(IMongoClient target, FollowedNamespaces followed, NamespaceGate gate)
{
    public async Task ApplyAsync(ChangeEvent change, NamespaceName targetNamespace, CancellationToken cancellationToken)
    {
        var runner = new RawCommandRunner(target.GetDatabase(targetNamespace.Database));
        switch (change.OperationType)
        {
            case "create" when CreateOptions(change) is { } options:
                await RunIgnoringAsync(runner, CreateCommand.Build(targetNamespace.Collection, options), CreateCommand.NamespaceExists, cancellationToken).ConfigureAwait(false);
                return;
            case "drop":
                await RunIgnoringAsync(runner, DropCommand.Build(targetNamespace.Collection), DropCommand.NamespaceNotFound, cancellationToken).ConfigureAwait(false);
                return;
            case "rename" when change.RenameTarget is { } to:
                await RenameAsync(change, targetNamespace, to, cancellationToken).ConfigureAwait(false);
                return;
            case "dropDatabase":
                return;
            case "createIndexes" when Indexes(change) is { } indexes:
                // Unique and TTL ones relaxed until cutover, which gives them back their own.
                await runner.RunAsync(CreateIndexesCommand.Build(targetNamespace.Collection, [.. indexes.Select(IndexSpecification.ForFollowing)]), cancellationToken).ConfigureAwait(false);
                return;
            case "modify" when IndexChange(change) is { } index:
                // An index's expiry or uniqueness changed on the source: the cutover gives the target the source's then.
                if (index.TryGetValue("hidden", out var hidden) && hidden.Type == BsonTypeCode.Boolean && index.TryGetValue("name", out var name) && name.Type == BsonTypeCode.String)
                {
                    var command = new BsonBuilder(128).StartDocument().String("collMod", targetNamespace.Collection)
                        .StartDocument("index").String("name", name.AsString).Boolean("hidden", hidden.AsBoolean).End().End().ToDocument();
                    await runner.RunAsync(command, cancellationToken).ConfigureAwait(false);
                }

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

    /// <summary>
    /// A rename to a name the selection takes moves the target's collection too (and its later changes are applied there);
    /// a rename out of the selection leaves the source's selection without it, so the target's copy is dropped.
    /// </summary>
    private async Task RenameAsync(ChangeEvent change, NamespaceName fromTarget, NamespaceName to, CancellationToken cancellationToken)
    {
        if (!followed.IsFollowed(to) && !followed.Takes(to))
        {
            var runner = new RawCommandRunner(target.GetDatabase(fromTarget.Database));
            await RunIgnoringAsync(runner, DropCommand.Build(fromTarget.Collection), DropCommand.NamespaceNotFound, cancellationToken).ConfigureAwait(false);
            return;
        }

        var toTarget = followed.Follow(to, change.ClusterTime);
        var admin = new RawCommandRunner(target.GetDatabase("admin"));
        try
        {
            await admin.RunAsync(RenameCollectionCommand.Build(fromTarget, toTarget, DropsTarget(change)), cancellationToken).ConfigureAwait(false);
        }
        catch (MongoCommandException error) when (error.Code == DropCommand.NamespaceNotFound)
        {
            // Renamed already: the change is applied again after a restart.
        }

        gate.MarkReady(to);
    }

    /// <summary>Whether the source's rename replaced an existing collection (7.0 names the one dropped in operationDescription.dropTarget).</summary>
    private static bool DropsTarget(ChangeEvent change) =>
        change.Document.TryGetValue("operationDescription", out var description) && description.Type == BsonTypeCode.Document
        && description.AsDocument.TryGetValue("dropTarget", out var dropTarget) && dropTarget.Type is not BsonTypeCode.Null and not BsonTypeCode.Undefined
        && (dropTarget.Type != BsonTypeCode.Boolean || dropTarget.IsTruthy);

    /// <summary>A collMod's index change ({name | keyPattern, hidden | expireAfterSeconds | prepareUnique | unique}) when it changed nothing else.</summary>
    private static RawDocument? IndexChange(ChangeEvent change)
    {
        if (!change.Document.TryGetValue("operationDescription", out var description) || description.Type != BsonTypeCode.Document)
        {
            return null;
        }

        RawDocument? index = null;
        foreach (var element in description.AsDocument)
        {
            if (!element.NameEquals("index") || element.Type != BsonTypeCode.Document)
            {
                return null;
            }

            index = element.Value.AsDocument;
        }

        return index;
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
    /// The create's options (what operationDescription shows, but its _id index, which the target makes itself), or null
    /// for a view or a time-series collection, which a followed collection cannot become.
    /// </summary>
    private static RawDocument? CreateOptions(ChangeEvent change)
    {
        if (!change.Document.TryGetValue("operationDescription", out var description) || description.Type != BsonTypeCode.Document)
        {
            return RawDocument.Empty;
        }

        var builder = new BsonBuilder(description.AsDocument.Length + 16).StartDocument();
        foreach (var element in description.AsDocument)
        {
            if (element.NameEquals("viewOn") || element.NameEquals("timeseries"))
            {
                return null;
            }

            if (!element.NameEquals("idIndex"))
            {
                builder.Element(element);
            }
        }

        return builder.End().ToDocument();
    }

    /// <summary>Whether a create makes a view or a time-series collection (which discovery leaves out, and following too).</summary>
    public static bool CreatesViewOrTimeSeries(ChangeEvent change) => change.OperationType == "create" && CreateOptions(change) is null;

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
