
using MongoMigrate.Engine.DumpFormat;

namespace MongoMigrate.Engine.Verification;

/// <summary>
/// What a set of documents adds up to, whatever order they are read in: their count and the sum of each one's CRC-64.
/// A copy notes it for each chunk as it reads the source; a verification that reads the same range of the source and
/// finds another digest knows the source was written since.
/// </summary>
public sealed class DocumentDigest
{
    public long Count { get; private set; }

    public ulong Value { get; private set; }

    public void Add(ReadOnlySpan<byte> document)
    {
        Count++;
        Value = unchecked(Value + Crc64.Compute(document));
    }
}
