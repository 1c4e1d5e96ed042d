using MongoMigrate.Engine.ChangeStreams.Capture;
using MongoMigrate.Engine.ChangeStreams.Spool;

namespace MongoMigrate.Engine.ChangeStreams;

/// <summary>Passes capture's batches to the spool and counts them: events captured and the source's latest cluster time.</summary>
internal sealed class ProgressSink(ChangeSpool spool, ChangeStreamProgress progress) : IChangeEventSink
{
    public async ValueTask WriteAsync(ChangeStreamBatch batch, CancellationToken cancellationToken)
    {
        await spool.WriteAsync(batch, cancellationToken).ConfigureAwait(false);
        progress.AddCaptured(batch.Events.Count, spool.NextSequence);
        if (batch.SourceTime is { } time)
        {
            progress.ObserveSourceTime(time);
        }
        else if (batch.Events.Count > 0)
        {
            progress.ObserveSourceTime(new ChangeEvent(batch.Events[^1]).ClusterTime);
        }
    }
}
