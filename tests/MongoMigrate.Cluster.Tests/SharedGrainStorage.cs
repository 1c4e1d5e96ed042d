using System.Collections.Concurrent;
using Orleans.Serialization;
using Orleans.Storage;

namespace MongoMigrate.Cluster.Tests;

/// <summary>
/// Grain storage shared by the silos of one in-process test cluster, outside any of them (a killed silo loses nothing, as
/// with a database), ETag-checked as the ADO.NET providers are: a write with a stale ETag fails.
/// </summary>
public sealed class SharedGrainStorage(ConcurrentDictionary<string, (object State, string ETag)> rows, DeepCopier copier) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (rows.TryGetValue(Key(stateName, grainId), out var row))
        {
            grainState.State = copier.Copy((T)row.State);
            grainState.ETag = row.ETag;
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var key = Key(stateName, grainId);
        var next = Guid.NewGuid().ToString("N");
        var copy = copier.Copy(grainState.State)!;
        var written = grainState.ETag is null
            ? rows.TryAdd(key, (copy, next))
            : rows.TryGetValue(key, out var current) && current.ETag == grainState.ETag && rows.TryUpdate(key, (copy, next), current);
        if (!written)
        {
            throw new InconsistentStateException($"The state of {grainId} was changed by another activation.", grainState.ETag ?? "(none)", "(other)");
        }

        grainState.ETag = next;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        rows.TryRemove(Key(stateName, grainId), out _);
        grainState.ETag = null;
        grainState.RecordExists = false;
        return Task.CompletedTask;
    }

    private static string Key(string stateName, GrainId grainId) => $"{stateName}/{grainId}";
}
