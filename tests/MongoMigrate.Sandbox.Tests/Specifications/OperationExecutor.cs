using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>
/// Runs one operation of a test: finds its object in the entity map, calls the driver, then checks
/// expectResult / expectError (or ignores both), and saves the result as an entity if asked.
/// </summary>
public sealed class OperationExecutor(EntityMap entities, TestRunnerOperations testRunner)
{
    private readonly ValueMatcher _values = new(entities);

    public async Task RunAsync(BsonDocument operation, string path, CancellationToken cancellationToken)
    {
        var name = operation["name"].AsString;
        var target = operation["object"].AsString;
        var arguments = new OperationArguments(name, operation.GetValue("arguments", new BsonDocument()).AsBsonDocument, entities);
        if (target == "testRunner")
        {
            await testRunner.ExecuteAsync(name, arguments, cancellationToken);
            return;
        }

        OperationResult result;
        try
        {
            result = await ExecuteAsync(name, entities.Get(target), arguments, cancellationToken);
        }
        catch (Exception e) when (e is not (UnsupportedSpecificationFeatureException or SpecificationAssertionException or OperationCanceledException))
        {
            result = OperationResult.Failed(e);
        }

        if (operation.GetValue("ignoreResultAndError", false).ToBoolean())
        {
            return;
        }

        if (operation.TryGetValue("expectError", out var expectedError))
        {
            new ErrorMatcher(_values).Match(expectedError.AsBsonDocument, result.Error, $"{path}.expectError");
            return;
        }

        if (result.Error is { } error)
        {
            throw new SpecificationAssertionException($"{path}: {name} failed unexpectedly: {error.GetType().Name}: {error.Message}");
        }

        if (operation.TryGetValue("expectResult", out var expected))
        {
            if (expected is BsonArray expectedArray && result.Value is not null)
            {
                _values.MatchArray(expectedArray, result.Value, result.DocumentsAreRoot, $"{path}.expectResult");
            }
            else
            {
                _values.Match(expected, result.Value, isRoot: true, $"{path}.expectResult");
            }
        }

        if (operation.TryGetValue("saveResultAsEntity", out var saveAs))
        {
            entities.Add(saveAs.AsString, result.Entity ?? result.Value ?? throw new SpecificationAssertionException($"{path}: {name} returned nothing to save as '{saveAs}'."));
        }
    }

    private Task<OperationResult> ExecuteAsync(string name, object target, OperationArguments arguments, CancellationToken cancellationToken) => target switch
    {
        IMongoCollection<BsonDocument> or IMongoDatabase or ClientEntity when name == ChangeStreamOperations.Name =>
            ChangeStreamOperations.CreateAsync(target, arguments, cancellationToken),
        IMongoCollection<BsonDocument> collection when CollectionReadOperations.Names.Contains(name) =>
            CollectionReadOperations.ExecuteAsync(name, collection, arguments, cancellationToken),
        IMongoCollection<BsonDocument> collection when CollectionWriteOperations.Names.Contains(name) =>
            CollectionWriteOperations.ExecuteAsync(name, collection, arguments, entities, cancellationToken),
        IMongoCollection<BsonDocument> collection when CollectionSchemaOperations.Names.Contains(name) =>
            CollectionSchemaOperations.ExecuteAsync(name, collection, arguments, cancellationToken),
        IMongoCollection<BsonDocument> => throw new UnsupportedSpecificationFeatureException($"collection operation '{name}' is not supported by this runner."),
        IMongoDatabase database => DatabaseOperations.ExecuteAsync(name, database, arguments, cancellationToken),
        ClientEntity client => ClientOperations.ExecuteAsync(name, client, arguments, entities, cancellationToken),
        IClientSessionHandle session => SessionAndCursorOperations.ExecuteOnSessionAsync(name, session, arguments, cancellationToken),
        CursorEntity cursor => SessionAndCursorOperations.ExecuteOnCursorAsync(name, cursor, arguments, cancellationToken),
        _ => throw new UnsupportedSpecificationFeatureException($"operation '{name}' on a {target.GetType().Name} is not supported by this runner."),
    };
}
