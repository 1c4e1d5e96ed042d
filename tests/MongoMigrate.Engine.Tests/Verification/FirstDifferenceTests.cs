using MongoDB.Bson;
using MongoMigrate.Bson;
using MongoMigrate.Engine.Verification;

namespace MongoMigrate.Engine.Tests.Verification;

public class FirstDifferenceTests
{
    [Fact]
    public void Equal_documents_have_no_difference() =>
        Assert.Null(FirstDifference.Of(Raw(new BsonDocument { { "_id", 1 }, { "a", 2 } }), Raw(new BsonDocument { { "_id", 1 }, { "a", 2 } })));

    [Theory]
    [InlineData("{ _id: 1, a: { b: [1, 2, 3] } }", "{ _id: 1, a: { b: [1, 5, 3] } }", "a.b.1")]
    [InlineData("{ _id: 1, a: 1 }", "{ _id: 1, a: 1.0 }", "a (type Int32 on the source, Double on the target)")]
    [InlineData("{ _id: 1, a: 1, b: 2 }", "{ _id: 1, a: 1 }", "b (missing on the target)")]
    [InlineData("{ _id: 1, a: 1 }", "{ _id: 1, a: 1, c: 3 }", "c (only on the target)")]
    [InlineData("{ _id: 1, a: 1, b: 2 }", "{ _id: 1, b: 2, a: 1 }", "a (fields in another order)")]
    [InlineData("{ _id: 1, s: 'x' }", "{ _id: 1, s: 'y' }", "s")]
    [InlineData("{ _id: 1, a: 1, t: 1 }", "{ _id: 1, a: 1, x: true, t: 1 }", "x (only on the target)")]
    [InlineData("{ _id: 1, b: 2, a: 1 }", "{ _id: 1, a: 1, b: 3 }", "b")]
    [InlineData("{ _id: 1, d: { p: 1, q: 2 }, e: 1 }", "{ _id: 1, d: { q: 2, p: 1 }, e: 2 }", "e")]
    [InlineData("{ _id: 1, d: { p: 1, q: 2 }, e: 1 }", "{ _id: 1, d: { q: 2, p: 1 }, e: 1 }", "d.p (fields in another order)")]
    public void The_first_difference_is_named_by_its_field_path(string source, string target, string expected) =>
        Assert.Equal(expected, FirstDifference.Of(Raw(BsonDocument.Parse(source)), Raw(BsonDocument.Parse(target))));

    private static RawDocument Raw(BsonDocument document) => new(document.ToBson());
}
