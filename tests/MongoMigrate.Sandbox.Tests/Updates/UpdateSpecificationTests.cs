using Microsoft.Extensions.Time.Testing;
using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Query;
using MongoMigrate.Sandbox.Updates;
using static MongoMigrate.Sandbox.Tests.Bson;

namespace MongoMigrate.Sandbox.Tests.Updates;

public class UpdateSpecificationTests
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero));

    private static UpdateContext Context => new(Clock);

    private static UpdateResult Apply(string update, string doc, UpdateContext? context = null) =>
        UpdateSpecification.Compile(Doc(update)).Apply(Doc(doc), context ?? Context);

    private static string Updated(string update, string doc) => Json(Apply(update, doc).Document);

    [Theory]
    [InlineData("{$set: {a: 2}}", "{_id: 1, a: 1}", "{_id: 1, a: 2}")]
    [InlineData("{$set: {b: 2}}", "{_id: 1, a: 1}", "{_id: 1, a: 1, b: 2}")]
    [InlineData("{$set: {c: 1, b: 2}}", "{_id: 1}", "{_id: 1, b: 2, c: 1}")]
    [InlineData("{$set: {'a.b': 1}}", "{_id: 1}", "{_id: 1, a: {b: 1}}")]
    [InlineData("{$set: {'a.b.c': 1}}", "{_id: 1, a: {x: 1}}", "{_id: 1, a: {x: 1, b: {c: 1}}}")]
    [InlineData("{$set: {'a.2': 1}}", "{_id: 1, a: [0]}", "{_id: 1, a: [0, null, 1]}")]
    [InlineData("{$set: {'a.0': 9}}", "{_id: 1, a: [0, 1]}", "{_id: 1, a: [9, 1]}")]
    [InlineData("{$set: {'a.0': 9}}", "{_id: 1}", "{_id: 1, a: {'0': 9}}")]
    [InlineData("{$set: {'a.1.b': 9}}", "{_id: 1, a: [{b: 0}, {b: 1}]}", "{_id: 1, a: [{b: 0}, {b: 9}]}")]
    [InlineData("{$set: {'a.3.b': 9}}", "{_id: 1, a: [1]}", "{_id: 1, a: [1, null, null, {b: 9}]}")]
    [InlineData("{$set: {'x.b': 1, 'x.a': 2}}", "{_id: 1}", "{_id: 1, x: {a: 2, b: 1}}")]
    [InlineData("{$set: {'10': 1, '9': 2, b: 3, a: 4}}", "{_id: 1}", "{_id: 1, '9': 2, '10': 1, a: 4, b: 3}")]
    [InlineData("{$set: {a: {z: 1, y: 2}}}", "{_id: 1, a: 5}", "{_id: 1, a: {z: 1, y: 2}}")]
    [InlineData("{$unset: {a: ''}}", "{_id: 1, a: 1, b: 2}", "{_id: 1, b: 2}")]
    [InlineData("{$unset: {'a.b': 1}}", "{_id: 1, a: {b: 1, c: 2}}", "{_id: 1, a: {c: 2}}")]
    [InlineData("{$unset: {'a.1': 1}}", "{_id: 1, a: [1, 2, 3]}", "{_id: 1, a: [1, null, 3]}")]
    [InlineData("{$inc: {a: 1}}", "{_id: 1, a: 1}", "{_id: 1, a: 2}")]
    [InlineData("{$inc: {a: 5}}", "{_id: 1}", "{_id: 1, a: 5}")]
    [InlineData("{$inc: {a: 1}}", "{_id: 1, a: 2147483647}", "{_id: 1, a: NumberLong('2147483648')}")]
    [InlineData("{$inc: {a: 1.5}}", "{_id: 1, a: 1}", "{_id: 1, a: 2.5}")]
    [InlineData("{$inc: {a: NumberLong(1)}}", "{_id: 1, a: 1}", "{_id: 1, a: NumberLong(2)}")]
    [InlineData("{$inc: {a: NumberDecimal('1.1')}}", "{_id: 1, a: 1}", "{_id: 1, a: NumberDecimal('2.1')}")]
    [InlineData("{$mul: {a: 3}}", "{_id: 1, a: 2}", "{_id: 1, a: 6}")]
    [InlineData("{$mul: {a: 3}}", "{_id: 1}", "{_id: 1, a: 0}")]
    [InlineData("{$mul: {a: 2.0}}", "{_id: 1}", "{_id: 1, a: 0.0}")]
    [InlineData("{$mul: {a: NumberLong(2)}}", "{_id: 1, a: 2147483647}", "{_id: 1, a: NumberLong('4294967294')}")]
    [InlineData("{$min: {a: 1}}", "{_id: 1, a: 2}", "{_id: 1, a: 1}")]
    [InlineData("{$min: {a: 3}}", "{_id: 1, a: 2}", "{_id: 1, a: 2}")]
    [InlineData("{$min: {a: 'x'}}", "{_id: 1, a: 2}", "{_id: 1, a: 2}")]
    [InlineData("{$max: {a: 'x'}}", "{_id: 1, a: 2}", "{_id: 1, a: 'x'}")]
    [InlineData("{$max: {a: 1}}", "{_id: 1}", "{_id: 1, a: 1}")]
    [InlineData("{$rename: {a: 'b'}}", "{_id: 1, a: 1, c: 2}", "{_id: 1, c: 2, b: 1}")]
    [InlineData("{$rename: {a: 'c'}}", "{_id: 1, a: 1, c: 2}", "{_id: 1, c: 1}")]
    [InlineData("{$rename: {'a.b': 'c'}}", "{_id: 1, a: {b: 1, x: 2}}", "{_id: 1, a: {x: 2}, c: 1}")]
    [InlineData("{$rename: {a: 'x.y'}}", "{_id: 1, a: 1}", "{_id: 1, x: {y: 1}}")]
    [InlineData("{$rename: {z: 'y'}}", "{_id: 1, a: 1}", "{_id: 1, a: 1}")]
    [InlineData("{$push: {a: 3}}", "{_id: 1, a: [1, 2]}", "{_id: 1, a: [1, 2, 3]}")]
    [InlineData("{$push: {a: 3}}", "{_id: 1}", "{_id: 1, a: [3]}")]
    [InlineData("{$push: {a: [3]}}", "{_id: 1, a: []}", "{_id: 1, a: [[3]]}")]
    [InlineData("{$push: {a: {$each: [3, 4]}}}", "{_id: 1, a: [1]}", "{_id: 1, a: [1, 3, 4]}")]
    [InlineData("{$push: {a: {$each: [3], $position: 0}}}", "{_id: 1, a: [1, 2]}", "{_id: 1, a: [3, 1, 2]}")]
    [InlineData("{$push: {a: {$each: [3], $position: -1}}}", "{_id: 1, a: [1, 2]}", "{_id: 1, a: [1, 3, 2]}")]
    [InlineData("{$push: {a: {$each: [3], $position: 9}}}", "{_id: 1, a: [1, 2]}", "{_id: 1, a: [1, 2, 3]}")]
    [InlineData("{$push: {a: {$each: [3, 1], $sort: 1}}}", "{_id: 1, a: [2]}", "{_id: 1, a: [1, 2, 3]}")]
    [InlineData("{$push: {a: {$each: [3, 1], $sort: -1, $slice: 2}}}", "{_id: 1, a: [2]}", "{_id: 1, a: [3, 2]}")]
    [InlineData("{$push: {a: {$each: [4], $slice: -2}}}", "{_id: 1, a: [1, 2, 3]}", "{_id: 1, a: [3, 4]}")]
    [InlineData("{$push: {a: {$each: [], $slice: 0}}}", "{_id: 1, a: [1]}", "{_id: 1, a: []}")]
    [InlineData("{$push: {a: {$each: [{s: 1}], $sort: {s: -1}}}}", "{_id: 1, a: [{s: 2}, {s: 0}]}", "{_id: 1, a: [{s: 2}, {s: 1}, {s: 0}]}")]
    [InlineData("{$push: {a: {b: 1}}}", "{_id: 1, a: []}", "{_id: 1, a: [{b: 1}]}")]
    [InlineData("{$addToSet: {a: 2}}", "{_id: 1, a: [1, 2]}", "{_id: 1, a: [1, 2]}")]
    [InlineData("{$addToSet: {a: 2.0}}", "{_id: 1, a: [1, 2]}", "{_id: 1, a: [1, 2]}")]
    [InlineData("{$addToSet: {a: 3}}", "{_id: 1, a: [1, 2]}", "{_id: 1, a: [1, 2, 3]}")]
    [InlineData("{$addToSet: {a: {$each: [3, 3, 1, 4]}}}", "{_id: 1, a: [1]}", "{_id: 1, a: [1, 3, 4]}")]
    [InlineData("{$addToSet: {a: 1}}", "{_id: 1}", "{_id: 1, a: [1]}")]
    [InlineData("{$pop: {a: 1}}", "{_id: 1, a: [1, 2, 3]}", "{_id: 1, a: [1, 2]}")]
    [InlineData("{$pop: {a: -1}}", "{_id: 1, a: [1, 2, 3]}", "{_id: 1, a: [2, 3]}")]
    [InlineData("{$pop: {a: 1}}", "{_id: 1}", "{_id: 1}")]
    [InlineData("{$pull: {a: 2}}", "{_id: 1, a: [1, 2, 3, 2]}", "{_id: 1, a: [1, 3]}")]
    [InlineData("{$pull: {a: {$gte: 2}}}", "{_id: 1, a: [1, 2, 3]}", "{_id: 1, a: [1]}")]
    [InlineData("{$pull: {a: {b: 1}}}", "{_id: 1, a: [{b: 1, c: 2}, {b: 2}, 1]}", "{_id: 1, a: [{b: 2}, 1]}")]
    [InlineData("{$pull: {a: {$in: [1, 3]}}}", "{_id: 1, a: [1, 2, 3]}", "{_id: 1, a: [2]}")]
    [InlineData("{$pull: {a: /^x/}}", "{_id: 1, a: ['xa', 'b']}", "{_id: 1, a: ['b']}")]
    [InlineData("{$pull: {a: [1]}}", "{_id: 1, a: [[1], 1]}", "{_id: 1, a: [1]}")]
    [InlineData("{$pullAll: {a: [1, 3]}}", "{_id: 1, a: [1, 2, 3, 1]}", "{_id: 1, a: [2]}")]
    [InlineData("{$set: {'a.$[].b': 0}}", "{_id: 1, a: [{b: 1}, {b: 2}]}", "{_id: 1, a: [{b: 0}, {b: 0}]}")]
    [InlineData("{$inc: {'a.$[]': 1}}", "{_id: 1, a: [1, 2]}", "{_id: 1, a: [2, 3]}")]
    [InlineData("{$set: {'a.$[].b.$[].c': 0}}", "{_id: 1, a: [{b: [{c: 1}]}, {b: [{c: 2}, {c: 3}]}]}", "{_id: 1, a: [{b: [{c: 0}]}, {b: [{c: 0}, {c: 0}]}]}")]
    [InlineData("{$setOnInsert: {a: 1}}", "{_id: 1}", "{_id: 1}")]
    [InlineData("{$set: {}}", "{_id: 1}", "{_id: 1}")]
    public void Operators_update_documents_as_the_server_does(string update, string doc, string expected) =>
        Assert.Equal(Norm(expected), Updated(update, doc));

    [Fact]
    public void Increment_of_a_nested_field_inside_an_array_element_creates_it_in_place()
    {
        Assert.Equal(Norm("{_id: 1, a: [{b: 3}]}"), Updated("{$inc: {'a.0.b': 2}}", "{_id: 1, a: [{b: 1}]}"));
    }

    [Fact]
    public void Array_filters_select_the_elements_to_update()
    {
        var spec = UpdateSpecification.Compile(Doc("{$set: {'a.$[x].done': true}}"), [Doc("{'x.n': {$gt: 1}}")]);
        var result = spec.Apply(Doc("{_id: 1, a: [{n: 1}, {n: 2}, {n: 3}]}"), Context);
        Assert.Equal(Norm("{_id: 1, a: [{n: 1}, {n: 2, done: true}, {n: 3, done: true}]}"), Json(result.Document));

        var scalar = UpdateSpecification.Compile(Doc("{$inc: {'a.$[big]': 10}}"), [Doc("{big: {$gte: 5}}")]);
        Assert.Equal(Norm("{_id: 1, a: [1, 15, 16]}"), Json(scalar.Apply(Doc("{_id: 1, a: [1, 5, 6]}"), Context).Document));
    }

    [Fact]
    public void Positional_operator_uses_the_matched_index_from_the_context()
    {
        var spec = UpdateSpecification.Compile(Doc("{$set: {'a.$.b': 9}}"));
        var result = spec.Apply(Doc("{_id: 1, a: [{b: 1}, {b: 2}]}"), new UpdateContext(Clock) { PositionalIndex = 1 });
        Assert.Equal(Norm("{_id: 1, a: [{b: 1}, {b: 9}]}"), Json(result.Document));

        var e = Fails(() => spec.Apply(Doc("{_id: 1, a: [{b: 1}]}"), Context));
        Assert.Equal(2, e.Code);
        Assert.Equal("The positional operator did not find the match needed from the query.", e.Message);
    }

    [Theory]
    [InlineData("{$set: {a: 1}}", "{_id: 1, a: 1}")]
    [InlineData("{$unset: {b: 1}}", "{_id: 1, a: 1}")]
    [InlineData("{$inc: {a: 0}}", "{_id: 1, a: 1}")]
    [InlineData("{$min: {a: 1.0}}", "{_id: 1, a: 1}")]
    [InlineData("{$addToSet: {a: 1}}", "{_id: 1, a: [1]}")]
    [InlineData("{$pull: {a: 5}}", "{_id: 1, a: [1]}")]
    [InlineData("{$pop: {a: 1}}", "{_id: 1, a: []}")]
    [InlineData("{$push: {a: {$each: []}}}", "{_id: 1, a: [1]}")]
    [InlineData("{$rename: {x: 'y'}}", "{_id: 1, a: 1}")]
    [InlineData("{$set: {'a.b': 1}}", "{_id: 1, a: {b: 1}}")]
    [InlineData("{$unset: {'a.b': 1}}", "{_id: 1, a: [1, 2]}")]
    [InlineData("{$unset: {'a.b': 1}}", "{_id: 1, a: 5}")]
    [InlineData("{_id: 1, a: 1}", "{_id: 1, a: 1}")]
    [InlineData("{a: 1}", "{_id: 1, a: 1}")]
    public void No_op_updates_leave_the_bytes_identical(string update, string doc)
    {
        var original = Doc(doc);
        var result = UpdateSpecification.Compile(Doc(update)).Apply(original, Context);
        Assert.False(result.Modified);
        Assert.True(result.Document.Span.SequenceEqual(original.Span));
    }

    [Fact]
    public void Untouched_values_keep_their_exact_bytes()
    {
        // -0.0 and binary subtype 2 would not survive a round trip through BsonDocument.
        var builder = new BsonBuilder().StartDocument()
            .Int32("_id", 1)
            .Double("neg", -0.0)
            .Binary("old", 2, [3, 0, 0, 0, 1, 2, 3])
            .StartDocument("sub").Double("z", -0.0).Int32("n", 1).End()
            .End();
        var original = builder.ToDocument();
        var result = UpdateSpecification.Compile(Doc("{$inc: {'sub.n': 1}, $set: {x: 1}}")).Apply(original, Context);
        Assert.True(result.Modified);
        var updated = result.Document;
        Assert.Equal(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits(updated["neg"].AsDouble));
        Assert.True(updated["old"].Span.SequenceEqual(original["old"].Span));
        Assert.Equal(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits(updated["sub"].AsDocument["z"].AsDouble));
        Assert.Equal(2, updated["sub"].AsDocument["n"].AsInt32);
    }

    [Fact]
    public void Current_date_takes_the_time_from_the_time_provider()
    {
        var result = Apply("{$currentDate: {a: true, b: {$type: 'timestamp'}, c: {$type: 'date'}}}", "{_id: 1}");
        var now = Clock.GetUtcNow();
        Assert.Equal(now.ToUnixTimeMilliseconds(), result.Document["a"].AsDateTimeMilliseconds);
        Assert.Equal((ulong)now.ToUnixTimeSeconds(), result.Document["b"].AsTimestamp >> 32);
        Assert.Equal(now.ToUnixTimeMilliseconds(), result.Document["c"].AsDateTimeMilliseconds);
    }

    [Theory]
    [InlineData("{$set: {_id: 2}}", "{_id: 1}", 66, "Performing an update on the path '_id' would modify the immutable field '_id'")]
    [InlineData("{$unset: {_id: 1}}", "{_id: 1}", 66, "Performing an update on the path '_id' would modify the immutable field '_id'")]
    [InlineData("{$set: {'_id.a': 2}}", "{_id: {a: 1}}", 66, "Performing an update on the path '_id.a' would modify the immutable field '_id'")]
    [InlineData("{_id: 2, a: 1}", "{_id: 1}", 66, "After applying the update, the (immutable) field '_id' was found to have been altered to _id: 2")]
    [InlineData("{$inc: {a: 1}}", "{_id: 1, a: 'x'}", 14, "Cannot apply $inc to a value of non-numeric type. {_id: 1} has the field 'a' of non-numeric type string")]
    [InlineData("{$mul: {a: 2}}", "{_id: 1, a: {}}", 14, "Cannot apply $mul to a value of non-numeric type. {_id: 1} has the field 'a' of non-numeric type object")]
    [InlineData("{$inc: {a: NumberLong(1)}}", "{_id: 1, a: NumberLong('9223372036854775807')}", 2, "Failed to apply $inc operations to current value")]
    [InlineData("{$set: {'a.b': 1}}", "{_id: 1, a: 5}", 28, "Cannot create field 'b' in element {a: 5}")]
    [InlineData("{$set: {'a.b': 1}}", "{_id: 1, a: [1, 2]}", 28, "Cannot create field 'b' in element {a: [ 1, 2 ]}")]
    [InlineData("{$push: {a: 1}}", "{_id: 1, a: 5}", 2, "The field 'a' must be an array but is of type int in document {_id: 1}")]
    [InlineData("{$addToSet: {a: 1}}", "{_id: 1, a: 5}", 2, "Cannot apply $addToSet to non-array field. Field named 'a' has non-array type int")]
    [InlineData("{$pop: {a: 1}}", "{_id: 1, a: 5}", 14, "Path 'a' contains an element of non-array type 'int'")]
    [InlineData("{$pull: {a: 1}}", "{_id: 1, a: 5}", 2, "Cannot apply $pull to a non-array value")]
    [InlineData("{$set: {'a.$[].b': 1}}", "{_id: 1}", 2, "The path 'a' must exist in the document in order to apply array updates.")]
    [InlineData("{$set: {'a.$[].b': 1}}", "{_id: 1, a: 5}", 2, "Cannot apply array updates to non-array element a: 5")]
    [InlineData("{$rename: {'a.0': 'b'}}", "{_id: 1, a: [1]}", 2, "The source field cannot be an array element")]
    [InlineData("{$inc: {'a.b': 2}}", "{_id: 1, a: [{b: 1}]}", 28, "Cannot create field 'b' in element {a: [ { b: 1 } ]}")]
    public void Failing_updates_report_the_servers_code_and_message(string update, string doc, int code, string message)
    {
        var e = Fails(() => Apply(update, doc));
        Assert.Equal(code, e.Code);
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{$foo: {a: 1}}", 9, "Unknown modifier: $foo. Expected a valid update modifier or pipeline-style update specified as an array")]
    [InlineData("{$set: {a: 1}, b: 2}", 9, "Unknown modifier: b.")]
    [InlineData("{$set: 1}", 9, "Modifiers operate on fields but we found type int instead.")]
    [InlineData("{$set: {a: 1, 'a.b': 2}}", 40, "Updating the path 'a.b' would create a conflict at 'a'")]
    [InlineData("{$set: {'a.b': 1}, $inc: {a: 2}}", 40, "Updating the path 'a' would create a conflict at 'a'")]
    [InlineData("{$set: {a: 1}, $unset: {a: 1}}", 40, "Updating the path 'a' would create a conflict at 'a'")]
    [InlineData("{$rename: {a: 'b'}, $set: {b: 1}}", 40, "Updating the path 'b' would create a conflict at 'b'")]
    [InlineData("{$rename: {a: 'b'}, $set: {a: 1}}", 40, "Updating the path 'a' would create a conflict at 'a'")]
    [InlineData("{$inc: {a: 'x'}}", 14, "Cannot increment with non-numeric argument: {a: \"x\"}")]
    [InlineData("{$mul: {a: 'x'}}", 14, "Cannot multiply with non-numeric argument: {a: \"x\"}")]
    [InlineData("{$set: {'': 1}}", 56, "An empty update path is not valid.")]
    [InlineData("{$set: {'a..b': 1}}", 56, "The update path 'a..b' contains an empty field name, which is not allowed.")]
    [InlineData("{$set: {'$.a': 1}}", 2, "Cannot have positional (i.e. '$') element in the first component in path '$.a'")]
    [InlineData("{$set: {'a.$.b.$': 1}}", 2, "Too many positional (i.e. '$') elements found in path 'a.$.b.$'")]
    [InlineData("{$set: {'a.$[x]': 1}}", 2, "No array filter found for identifier 'x' in path 'a.$[x]'")]
    [InlineData("{$rename: {a: 1}}", 2, "The 'to' field for $rename must be a string: a: 1")]
    [InlineData("{$rename: {a: 'a'}}", 2, "The source and target field for $rename must differ: a: \"a\"")]
    [InlineData("{$rename: {a: 'a.b'}}", 2, "The source and target field for $rename must not be on the same path: a: \"a.b\"")]
    [InlineData("{$pop: {a: 2}}", 9, "$pop expects 1 or -1, found: 2")]
    [InlineData("{$pullAll: {a: 1}}", 2, "$pullAll requires an array argument but was given a int")]
    [InlineData("{$push: {a: {$each: 1}}}", 2, "The argument to $each in $push must be an array but it was of type: int")]
    [InlineData("{$push: {a: {$each: [], $foo: 1}}}", 2, "Unrecognized clause in $push: $foo")]
    [InlineData("{$push: {a: {$each: [], $slice: 'x'}}}", 2, "The value for $slice must be an integer value but was given type: string")]
    [InlineData("{$push: {a: {$each: [], $position: 1.5}}}", 2, "The value for $position must be an integer value, not of type: double")]
    [InlineData("{$push: {a: {$each: [], $sort: 2}}}", 2, "The $sort is invalid")]
    [InlineData("{$currentDate: {a: {$type: 'x'}}}", 2, "The '$type' string field is required to be 'date' or 'timestamp'")]
    [InlineData("{a: 1, $set: {b: 1}}", 52, "The dollar ($) prefixed field '$set' in '$set' is not allowed")]
    public void Bad_updates_fail_to_compile(string update, int code, string message)
    {
        var e = Fails(() => UpdateSpecification.Compile(Doc(update)));
        Assert.Equal(code, e.Code);
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Array_filter_errors_match_the_server()
    {
        var unused = Fails(() => UpdateSpecification.Compile(Doc("{$set: {a: 1}}"), [Doc("{x: 1}")]));
        Assert.Equal(9, unused.Code);
        Assert.StartsWith("The array filter for identifier 'x' was not used in the update", unused.Message, StringComparison.Ordinal);

        var duplicate = Fails(() => UpdateSpecification.Compile(Doc("{$set: {'a.$[x]': 1}}"), [Doc("{x: 1}"), Doc("{x: 2}")]));
        Assert.Equal(9, duplicate.Code);

        var bad = Fails(() => UpdateSpecification.Compile(Doc("{$set: {'a.$[x]': 1}}"), [Doc("{X: 1}")]));
        Assert.Equal(2, bad.Code);
    }

    [Fact]
    public void Replacement_keeps_the_original_id_first()
    {
        var result = Apply("{b: 2, a: 1}", "{_id: 7, a: 0}");
        Assert.True(result.Modified);
        Assert.Equal(Norm("{_id: 7, b: 2, a: 1}"), Json(result.Document));
        Assert.Equal(Norm("{_id: 7, b: 2}"), Updated("{b: 2, _id: 7}", "{_id: 7, a: 0}"));
        Assert.Equal(Norm("{_id: 7}"), Updated("{}", "{_id: 7, a: 0}"));
    }

    [Fact]
    public void Pipeline_updates_run_the_reshaping_stages()
    {
        var update = UpdateSpecification.Compile(Val("[{$set: {total: {$add: ['$a', '$b']}}}, {$unset: 'b'}]"));
        Assert.Equal(UpdateSpecification.UpdateKind.Pipeline, update.Kind);
        var result = update.Apply(Doc("{_id: 1, a: 1, b: 2}"), Context);
        Assert.Equal(Norm("{_id: 1, a: 1, total: 3}"), Json(result.Document));

        var project = UpdateSpecification.Compile(Val("[{$project: {a: 1}}]"));
        Assert.Equal(Norm("{_id: 1, a: 1}"), Json(project.Apply(Doc("{_id: 1, a: 1, b: 2}"), Context).Document));

        var noop = UpdateSpecification.Compile(Val("[{$set: {a: 1}}]")).Apply(Doc("{_id: 1, a: 1}"), Context);
        Assert.False(noop.Modified);

        var e = Fails(() => UpdateSpecification.Compile(Val("[{$group: {_id: 1}}]")));
        Assert.Equal(72, e.Code);
        Assert.Equal("$group is not allowed to be used within an update", e.Message);
    }

    [Fact]
    public void Upsert_builds_from_equality_fields_then_applies_the_update()
    {
        var filter = QueryFilter.Compile(Doc("{b: 1, 'x.y': 2, c: {$gt: 5}, $and: [{d: 3}]}"));
        var update = UpdateSpecification.Compile(Doc("{$set: {e: 4}, $setOnInsert: {f: 5}, $inc: {b: 1}}"));
        var doc = update.BuildUpsert(filter, Context);
        Assert.True(doc.TryGetFirst(out var first));
        Assert.Equal("_id", first.Name);
        Assert.Equal(BsonTypeCode.ObjectId, first.Type);
        var id = first.Value.AsObjectId;
        Assert.Equal(Norm($"{{_id: ObjectId('{id}'), b: 2, d: 3, x: {{y: 2}}, e: 4, f: 5}}"), Json(doc));
    }

    [Fact]
    public void Upsert_takes_the_id_from_the_query()
    {
        var filter = QueryFilter.Compile(Doc("{a: 1, _id: 5}"));
        var doc = UpdateSpecification.Compile(Doc("{$set: {b: 2}}")).BuildUpsert(filter, Context);
        Assert.Equal(Norm("{_id: 5, a: 1, b: 2}"), Json(doc));

        var replacement = UpdateSpecification.Compile(Doc("{b: 2}")).BuildUpsert(filter, Context);
        Assert.Equal(Norm("{_id: 5, b: 2}"), Json(replacement));

        var setId = UpdateSpecification.Compile(Doc("{$set: {_id: 9, b: 2}}")).BuildUpsert(QueryFilter.Compile(Doc("{a: 1}")), Context);
        Assert.Equal(Norm("{_id: 9, a: 1, b: 2}"), Json(setId));
    }

    [Fact]
    public void Upsert_refuses_conflicting_equality_paths()
    {
        var e = Fails(() => UpdateSpecification.Compile(Doc("{$set: {z: 1}}")).BuildUpsert(QueryFilter.Compile(Doc("{a: 1, 'a.b': 2}")), Context));
        Assert.Equal(54, e.Code);
    }

    [Fact]
    public void Upsert_from_a_one_value_in_sets_that_value()
    {
        var doc = UpdateSpecification.Compile(Doc("{$set: {z: 1}}")).BuildUpsert(QueryFilter.Compile(Doc("{_id: 3, a: {$in: [7]}}")), Context);
        Assert.Equal(Norm("{_id: 3, a: 7, z: 1}"), Json(doc));
    }
}
