namespace MongoMigrate.Engine.ChangeStreams.Capture;

/// <summary>Where capture hands each batch, in order (the spool); capture reads the next batch only once this returns.</summary>
public interface IChangeEventSink
{
    ValueTask WriteAsync(ChangeStreamBatch batch, CancellationToken cancellationToken);
}
