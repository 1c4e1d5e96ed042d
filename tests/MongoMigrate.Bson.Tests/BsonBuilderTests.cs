using System.Buffers;

namespace MongoMigrate.Bson.Tests;

public class BsonBuilderTests
{
    [Fact]
    public void A_pooled_builder_writes_the_same_bytes_as_one_that_owns_its_array()
    {
        var pool = new CountingPool();
        using var pooled = new BsonBuilder(16, pool);
        var owned = new BsonBuilder(16);
        foreach (var builder in new[] { pooled, owned })
        {
            builder.StartDocument().String("insert", "orders").StartArray("documents");
            for (var i = 0; i < 100; i++)
            {
                builder.StartDocument(BsonBuilder.Index(i)).Int32("_id", i).String("pad", new string('x', 100)).End();
            }

            builder.End().End();
        }

        Assert.True(owned.WrittenSpan.SequenceEqual(pooled.WrittenSpan));
        Assert.Equal(100, new RawDocument(pooled.WrittenMemory.ToArray())["documents"].AsDocument.Count());
    }

    [Fact]
    public void A_pooled_builder_gives_back_every_buffer_it_outgrew_and_its_last_one_when_disposed()
    {
        var pool = new CountingPool();
        var builder = new BsonBuilder(16, pool);
        builder.StartDocument().Binary("b", 0, new byte[100_000]).End();
        Assert.True(pool.Rented >= 2);
        Assert.Equal(pool.Rented - 1, pool.Returned);

        builder.Dispose();
        builder.Dispose();

        Assert.Equal(pool.Rented, pool.Returned);
        Assert.Throws<ObjectDisposedException>(() => builder.StartDocument().String("a", "b"));
    }

    [Fact]
    public void Disposing_a_builder_that_owns_its_array_changes_nothing()
    {
        var builder = new BsonBuilder().StartDocument().Int32("a", 1).End();
        builder.Dispose();

        Assert.Equal(1, new RawDocument(builder.ToArray())["a"].AsInt32);
    }

    private sealed class CountingPool : ArrayPool<byte>
    {
        public int Rented { get; private set; }

        public int Returned { get; private set; }

        public override byte[] Rent(int minimumLength)
        {
            Rented++;
            return new byte[minimumLength];
        }

        public override void Return(byte[] array, bool clearArray = false) => Returned++;
    }
}
