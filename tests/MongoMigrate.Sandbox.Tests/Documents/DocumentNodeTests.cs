using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;
using static MongoMigrate.Sandbox.Tests.Bson;

namespace MongoMigrate.Sandbox.Tests.Documents;

public class DocumentNodeTests
{
    [Fact]
    public void An_expanded_but_unchanged_node_writes_its_original_bytes()
    {
        // Array element names that are not 0, 1, ... would be renumbered by a rewrite.
        var builder = new BsonBuilder().StartDocument().StartArray("a").Int32("5", 1).Int32("7", 2).End().End();
        var original = builder.ToDocument();
        var root = DocumentNode.FromRaw(original);
        Assert.NotNull(root.ChildNodeAt(0));
        Assert.False(root.IsChanged);
        Assert.True(root.ToDocument().Span.SequenceEqual(original.Span));
    }

    [Fact]
    public void Setting_an_identical_value_is_not_a_change()
    {
        var root = DocumentNode.FromRaw(Doc("{a: 1, b: 'x'}"));
        root.Set("a", Val("1"));
        Assert.False(root.IsChanged);
        root.Set("a", Val("1.0"));
        Assert.True(root.IsChanged);
        Assert.Equal(Norm("{a: 1.0, b: 'x'}"), Json(root.ToDocument()));
    }

    [Fact]
    public void Array_elements_pad_with_nulls()
    {
        var root = DocumentNode.FromRaw(Doc("{a: [1]}"));
        root.ChildNodeAt(0)!.SetArrayElement(3, Val("4"));
        Assert.Equal(Norm("{a: [1, null, null, 4]}"), Json(root.ToDocument()));
    }

    [Fact]
    public void Values_describe_themselves_as_the_server_does()
    {
        Assert.Equal("int", BsonValues.TypeName(BsonTypeCode.Int32));
        Assert.Equal("missing", BsonValues.TypeName(BsonTypeCode.EndOfDocument));
        Assert.Equal("{a: 5}", BsonValues.DescribeField("a", Val("5")));
        Assert.Equal(BsonTypeCode.Int64, BsonValues.Integer(5_000_000_000).Type);
        Assert.Equal(BsonTypeCode.Int32, BsonValues.Integer(5).Type);
    }
}
