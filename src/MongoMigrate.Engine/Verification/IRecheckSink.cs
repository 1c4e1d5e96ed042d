namespace MongoMigrate.Engine.Verification;

/// <summary>Takes the keys of applied changes for a later recheck; durable (and deduplicated) before the call returns.</summary>
public interface IRecheckSink
{
    ValueTask EnqueueAsync(IReadOnlyList<RecheckKey> keys, CancellationToken cancellationToken);
}
