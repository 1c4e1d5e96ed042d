using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>Operations on session entities (endSession, transactions) and on saved cursors (iterate, close).</summary>
public static class SessionAndCursorOperations
{
    public static async Task<OperationResult> ExecuteOnSessionAsync(string name, IClientSessionHandle session, OperationArguments arguments, CancellationToken cancellationToken)
    {
        switch (name)
        {
            case "endSession":
                arguments.EnsureAllRead();
                session.Dispose();
                return OperationResult.None;
            case "startTransaction":
                var options = new TransactionOptions(
                    arguments.OptionalDocument("readConcern") is { } rc ? DriverOptions.ReadConcern(rc) : null,
                    arguments.OptionalDocument("readPreference") is { } rp ? DriverOptions.ReadPreference(rp) : null,
                    arguments.OptionalDocument("writeConcern") is { } wc ? DriverOptions.WriteConcern(wc) : null,
                    arguments.OptionalMilliseconds("maxCommitTimeMS"));
                arguments.EnsureAllRead();
                session.StartTransaction(options);
                return OperationResult.None;
            case "commitTransaction":
                arguments.EnsureAllRead();
                await session.CommitTransactionAsync(cancellationToken);
                return OperationResult.None;
            case "abortTransaction":
                arguments.EnsureAllRead();
                await session.AbortTransactionAsync(cancellationToken);
                return OperationResult.None;
            default:
                throw new UnsupportedSpecificationFeatureException($"session operation '{name}' is not supported by this runner.");
        }
    }

    public static async Task<OperationResult> ExecuteOnCursorAsync(string name, CursorEntity cursor, OperationArguments arguments, CancellationToken cancellationToken)
    {
        arguments.EnsureAllRead();
        switch (name)
        {
            case "iterateUntilDocumentOrError":
                return new OperationResult(await cursor.NextAsync(cancellationToken) ?? (BsonValue)BsonNull.Value);
            case "iterateOnce":
                return new OperationResult(await cursor.TryNextAsync(cancellationToken) ?? (BsonValue)BsonNull.Value);
            case "close":
                try
                {
                    cursor.Dispose();
                }
                catch (MongoException)
                {
                    // The format says errors from killCursors are suppressed; tests check them through events.
                }

                return OperationResult.None;
            default:
                throw new UnsupportedSpecificationFeatureException($"cursor operation '{name}' is not supported by this runner.");
        }
    }
}
