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
    private const int NamespaceNotFound = 26;
    private const int NamespaceExists = 48;

    public async Task ApplyAsync(ChangeEvent change, NamespaceName targetNamespace, CancellationToken cancellationToken)
    {
        var runner = new RawCommandRunner(target.GetDatabase(targetNamespace.Database));
        switch (change.OperationType)
        {
            case "create" when IsPlainCreate(change):
                await RunIgnoringAsync(runner, new BsonBuilder(64).StartDocument().String("create", targetNamespace.Collection).End().ToDocument(), NamespaceExists, cancellationToken).ConfigureAwait(false);
                return;
            case "drop":
                await RunIgnoringAsync(runner, new BsonBuilder(64).StartDocument().String("drop", targetNamespace.Collection).End().ToDocument(), NamespaceNotFound, cancellationToken).ConfigureAwait(false);
                return;
            default:
                throw new ChangeStreamStoppedException(change.OperationType, change.Namespace, change.ClusterTime);
        }
    }

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
