namespace MongoMigrate.Engine.Copying;

/// <summary>What the inserts of one chunk attempt added up to, counted by its insertion workers at once.</summary>
internal sealed class InsertTally
{
    private long _inserted;
    private long _alreadyPresent;
    private long _replaced;

    public InsertResult Total => new(Interlocked.Read(ref _inserted), Interlocked.Read(ref _alreadyPresent), Interlocked.Read(ref _replaced));

    public void Add(InsertResult result)
    {
        Interlocked.Add(ref _inserted, result.Inserted);
        Interlocked.Add(ref _alreadyPresent, result.AlreadyPresent);
        Interlocked.Add(ref _replaced, result.Replaced);
    }
}
