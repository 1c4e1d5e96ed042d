using MongoMigrate.Bson;
using MongoMigrate.Engine.Indexes;

namespace MongoMigrate.Engine.Tests.Indexes;

public class IndexSpecificationTests
{
    [Fact]
    public void The_spec_sent_to_create_leaves_out_what_the_server_fills_in_and_keeps_the_rest_in_order()
    {
        var spec = new BsonBuilder().StartDocument()
            .Int32("v", 2)
            .StartDocument("key").Int32("city", 1).Int32("_id", -1).End()
            .String("name", "city_1__id_-1")
            .String("ns", "shop.orders")
            .Boolean("background", true)
            .Boolean("sparse", true)
            .Int32("expireAfterSeconds", 60)
            .End().ToDocument();

        var created = IndexSpecification.ForCreate(spec);

        Assert.Equal(["key", "name", "sparse", "expireAfterSeconds"], Names(created));
        Assert.Equal(spec["key"].AsDocument.Bytes.ToArray(), created["key"].AsDocument.Bytes.ToArray());
    }

    [Fact]
    public void Name_unique_and_id_are_read_from_the_spec()
    {
        var id = new BsonBuilder().StartDocument().StartDocument("key").Int32("_id", 1).End().String("name", "_id_").End().ToDocument();
        var unique = new BsonBuilder().StartDocument().String("name", "email_1").Int32("unique", 1).End().ToDocument();
        var unnamed = new BsonBuilder().StartDocument().Boolean("unique", false).End().ToDocument();

        Assert.True(IndexSpecification.IsIdIndex(id));
        Assert.False(IndexSpecification.IsUnique(id));
        Assert.Equal("email_1", IndexSpecification.Name(unique));
        Assert.True(IndexSpecification.IsUnique(unique));
        Assert.Equal("(unnamed)", IndexSpecification.Name(unnamed));
        Assert.False(IndexSpecification.IsUnique(unnamed));
    }

    private static List<string> Names(RawDocument document)
    {
        var names = new List<string>();
        foreach (var element in document)
        {
            names.Add(element.Name);
        }

        return names;
    }
}
