using MongoMigrate.Sandbox.Query;
using static MongoMigrate.Sandbox.Tests.Bson;

namespace MongoMigrate.Sandbox.Tests.Query;

public class ProjectionTests
{
    private static string Project(string projection, string doc) => Json(Projection.Compile(Doc(projection)).Apply(Doc(doc)));

    [Theory]
    [InlineData("{a: 1}", "{_id: 1, a: 2, b: 3}", "{_id: 1, a: 2}")]
    [InlineData("{b: 1, a: 1}", "{_id: 1, a: 2, b: 3, c: 4}", "{_id: 1, a: 2, b: 3}")]
    [InlineData("{a: 1, _id: 0}", "{_id: 1, a: 2, b: 3}", "{a: 2}")]
    [InlineData("{a: true}", "{_id: 1, a: 2, b: 3}", "{_id: 1, a: 2}")]
    [InlineData("{_id: 1}", "{_id: 1, a: 2}", "{_id: 1}")]
    [InlineData("{_id: 0}", "{_id: 1, a: 2}", "{a: 2}")]
    [InlineData("{a: 0}", "{_id: 1, a: 2, b: 3}", "{_id: 1, b: 3}")]
    [InlineData("{a: 0, _id: 0}", "{_id: 1, a: 2, b: 3}", "{b: 3}")]
    [InlineData("{a: false}", "{_id: 1, a: 2, b: 3}", "{_id: 1, b: 3}")]
    [InlineData("{x: 1}", "{_id: 1, a: 2}", "{_id: 1}")]
    [InlineData("{'a.b': 1}", "{_id: 1, a: {b: 1, c: 2}, d: 3}", "{_id: 1, a: {b: 1}}")]
    [InlineData("{a: {b: 1}}", "{_id: 1, a: {b: 1, c: 2}, d: 3}", "{_id: 1, a: {b: 1}}")]
    [InlineData("{'a.b': 1}", "{_id: 1, a: [{b: 1, c: 2}, {c: 3}, 5, [{b: 4}]]}", "{_id: 1, a: [{b: 1}, {}, [{b: 4}]]}")]
    [InlineData("{'a.b': 1}", "{_id: 1, a: 5}", "{_id: 1}")]
    [InlineData("{'a.b': 0}", "{_id: 1, a: [{b: 1, c: 2}, 5]}", "{_id: 1, a: [{c: 2}, 5]}")]
    [InlineData("{'a.b': 0}", "{_id: 1, a: {b: 1, c: 2}}", "{_id: 1, a: {c: 2}}")]
    [InlineData("{x: '$a'}", "{_id: 1, a: 2}", "{_id: 1, x: 2}")]
    [InlineData("{x: '$a', a: 1}", "{_id: 1, a: 2}", "{_id: 1, a: 2, x: 2}")]
    [InlineData("{a: '$b'}", "{_id: 1, a: 2, b: 3}", "{_id: 1, a: 3}")]
    [InlineData("{x: {$literal: 1}}", "{_id: 1}", "{_id: 1, x: 1}")]
    [InlineData("{x: 'text'}", "{_id: 1}", "{_id: 1, x: 'text'}")]
    [InlineData("{x: '$missing'}", "{_id: 1}", "{_id: 1}")]
    [InlineData("{x: {$add: ['$a', 1]}}", "{_id: 1, a: 1}", "{_id: 1, x: 2}")]
    [InlineData("{'x.y': '$a'}", "{_id: 1, a: 1}", "{_id: 1, x: {y: 1}}")]
    [InlineData("{_id: '$a'}", "{_id: 1, a: 5}", "{_id: 5}")]
    [InlineData("{a: {$slice: 2}}", "{_id: 1, a: [1, 2, 3], b: 4}", "{_id: 1, a: [1, 2], b: 4}")]
    [InlineData("{a: {$slice: -2}}", "{_id: 1, a: [1, 2, 3]}", "{_id: 1, a: [2, 3]}")]
    [InlineData("{a: {$slice: [1, 1]}}", "{_id: 1, a: [1, 2, 3]}", "{_id: 1, a: [2]}")]
    [InlineData("{a: {$slice: [-2, 5]}}", "{_id: 1, a: [1, 2, 3]}", "{_id: 1, a: [2, 3]}")]
    [InlineData("{a: {$slice: 1}}", "{_id: 1, a: 5}", "{_id: 1, a: 5}")]
    [InlineData("{a: {$slice: 1}, b: 1}", "{_id: 1, a: [1, 2], b: 2, c: 3}", "{_id: 1, a: [1], b: 2}")]
    [InlineData("{a: {$elemMatch: {x: 2}}}", "{_id: 1, a: [{x: 1}, {x: 2, y: 1}, {x: 2}], b: 1}", "{_id: 1, a: [{x: 2, y: 1}]}")]
    [InlineData("{a: {$elemMatch: {x: 9}}}", "{_id: 1, a: [{x: 1}], b: 1}", "{_id: 1}")]
    [InlineData("{a: {$elemMatch: {$gt: 1}}, b: 1}", "{_id: 1, a: [1, 5, 7], b: 1}", "{_id: 1, b: 1, a: [5]}")]
    public void Find_projection_shapes_documents_as_the_server_does(string projection, string doc, string expected) =>
        Assert.Equal(Norm(expected), Project(projection, doc));

    [Fact]
    public void Empty_projection_returns_the_document_unchanged()
    {
        var doc = Doc("{_id: 1, a: 2}");
        Assert.True(Projection.Compile(Doc("{}")).IsIdentity);
        Assert.Equal(doc, Projection.Compile(Doc("{}")).Apply(doc));
    }

    [Theory]
    [InlineData("{a: 1, b: 0}", 31254, "Cannot do exclusion on field b in inclusion projection")]
    [InlineData("{a: 0, b: 1}", 31253, "Cannot do inclusion on field b in exclusion projection")]
    [InlineData("{a: 0, b: '$x'}", 31252, "Cannot use expression other than $meta in exclusion projection")]
    [InlineData("{'a.$': 1}", 2, "The positional projection 'a.$' is not supported by the sandbox")]
    [InlineData("{a: 1, 'a.b': 1}", 31250, "Path collision at a")]
    [InlineData("{$a: 1}", 16410, "FieldPath field names may not start with '$'.")]
    [InlineData("{x: {$foo: 1}}", 168, "Unrecognized expression '$foo'")]
    [InlineData("{a: {}}", 51270, "An empty sub-projection is not a valid value.")]
    public void Bad_projections_fail_with_the_servers_code(string projection, int code, string message)
    {
        var e = Fails(() => Projection.Compile(Doc(projection)));
        Assert.Equal(code, e.Code);
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }
}
