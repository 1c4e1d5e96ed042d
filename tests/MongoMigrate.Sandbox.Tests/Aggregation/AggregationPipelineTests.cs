using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Aggregation;
using static MongoMigrate.Sandbox.Tests.Bson;

namespace MongoMigrate.Sandbox.Tests.Aggregation;

public class AggregationPipelineTests
{
    private static readonly string[] Orders =
    [
        "{_id: 1, item: 'a', qty: 2, price: 10, tags: ['x', 'y']}",
        "{_id: 2, item: 'b', qty: 1, price: 20, tags: []}",
        "{_id: 3, item: 'a', qty: 5, price: 10, tags: ['y']}",
        "{_id: 4, item: 'c', qty: 1, price: 5.5}",
    ];

    private static List<RawDocument> Stages(string pipeline) => Val(pipeline).AsDocument.Values().Select(v => v.AsDocument).ToList();

    private static string[] Run(string pipeline, string[]? input = null, AggregationOptions? options = null) =>
        AggregationPipeline.Compile(Stages(pipeline), options).Execute(Docs(input ?? Orders)).Select(Json).ToArray();

    private static string[] Expect(params string[] json) => json.Select(Norm).ToArray();

    [Fact]
    public void Match_sort_skip_and_limit_stream_documents()
    {
        Assert.Equal(
            Expect("{_id: 3, item: 'a', qty: 5, price: 10, tags: ['y']}"),
            Run("[{$match: {item: 'a'}}, {$sort: {qty: -1}}, {$limit: 1}]"));
        Assert.Equal(Expect("{_id: 2}", "{_id: 4}"), Run("[{$sort: {qty: 1, _id: 1}}, {$skip: 0}, {$limit: 2}, {$project: {_id: 1}}]"));
        Assert.Equal(2, Run("[{$skip: 2}]").Length);
    }

    [Fact]
    public void Group_accumulates_per_key_in_first_seen_order()
    {
        var result = Run("[{$group: {_id: '$item', total: {$sum: {$multiply: ['$qty', '$price']}}, n: {$count: {}}, avg: {$avg: '$qty'}, min: {$min: '$qty'}, max: {$max: '$qty'}, first: {$first: '$_id'}, last: {$last: '$_id'}, ids: {$push: '$_id'}, prices: {$addToSet: '$price'}}}]");
        Assert.Equal(
            Expect(
                "{_id: 'a', total: 70, n: 3 - 1, avg: 3.5, min: 2, max: 5, first: 1, last: 3, ids: [1, 3], prices: [10]}".Replace("3 - 1", "2", StringComparison.Ordinal),
                "{_id: 'b', total: 20, n: 1, avg: 1.0, min: 1, max: 1, first: 2, last: 2, ids: [2], prices: [20]}",
                "{_id: 'c', total: 5.5, n: 1, avg: 1.0, min: 1, max: 1, first: 4, last: 4, ids: [4], prices: [5.5]}"),
            result);
    }

    [Fact]
    public void Group_by_null_and_by_compound_keys()
    {
        Assert.Equal(Expect("{_id: null, n: 4}"), Run("[{$group: {_id: null, n: {$sum: 1}}}]"));
        Assert.Equal(Expect("{_id: null, n: 4}"), Run("[{$group: {_id: '$nothing', n: {$sum: 1}}}]"));
        Assert.Equal(
            Expect("{_id: {i: 'a', p: 10}, n: 2}", "{_id: {i: 'b', p: 20}, n: 1}", "{_id: {i: 'c', p: 5.5}, n: 1}"),
            Run("[{$group: {_id: {i: '$item', p: '$price'}, n: {$sum: 1}}}]"));
        Assert.Equal(Expect("{_id: 1, n: 2}", "{_id: 2, n: 1}"), Run("[{$group: {_id: '$v', n: {$sum: 1}}}]", ["{v: 1}", "{v: 1.0}", "{v: 2}"]));
    }

    [Fact]
    public void Accumulators_ignore_what_the_server_ignores()
    {
        var input = new[] { "{v: 1}", "{v: 'x'}", "{v: null}", "{}" };
        Assert.Equal(
            Expect("{_id: null, s: 1, a: 1.0, mn: 1, mx: 'x', p: [1, 'x', null], f: 1, l: null}"),
            Run("[{$group: {_id: null, s: {$sum: '$v'}, a: {$avg: '$v'}, mn: {$min: '$v'}, mx: {$max: '$v'}, p: {$push: '$v'}, f: {$first: '$v'}, l: {$last: '$v'}}}]", input));
    }

    [Fact]
    public void Project_add_fields_and_unset_reshape_documents()
    {
        Assert.Equal(Expect("{_id: 4, total: 5.5}"), Run("[{$match: {_id: 4}}, {$project: {total: {$multiply: ['$qty', '$price']}}}]"));
        Assert.Equal(Expect("{item: 'c'}"), Run("[{$match: {_id: 4}}, {$project: {_id: 0, item: 1}}]"));
        Assert.Equal(Expect("{_id: 4, item: 'c', qty: 2, price: 5.5, x: {y: 1}}"), Run("[{$match: {_id: 4}}, {$addFields: {qty: {$add: ['$qty', 1]}, 'x.y': 1}}]"));
        Assert.Equal(Expect("{_id: 4, item: 'c', qty: 1, price: 5.5, z: 'c'}"), Run("[{$match: {_id: 4}}, {$set: {z: '$item'}}]"));
        Assert.Equal(Expect("{_id: 4, price: 5.5}"), Run("[{$match: {_id: 4}}, {$unset: ['item', 'qty']}]"));
        Assert.Equal(Expect("{_id: 4, qty: 1, price: 5.5}"), Run("[{$match: {_id: 4}}, {$unset: 'item'}]"));
    }

    [Fact]
    public void Add_fields_on_an_array_sets_the_field_in_every_element()
    {
        Assert.Equal(
            Expect("{a: [{b: 5}, {c: 2, b: 5}]}"),
            Run("[{$addFields: {'a.b': 5}}]", ["{a: [1, {c: 2}]}"]));
        Assert.Equal(
            Expect("{a: {c: 1, b: 2}}"),
            Run("[{$addFields: {a: {b: 2}}}]", ["{a: {c: 1}}"]));
    }

    [Fact]
    public void Unwind_emits_one_document_per_element()
    {
        Assert.Equal(
            Expect("{_id: 1, tags: 'x'}", "{_id: 1, tags: 'y'}", "{_id: 3, tags: 'y'}"),
            Run("[{$unwind: '$tags'}, {$project: {tags: 1}}]"));
        Assert.Equal(
            Expect("{_id: 1, tags: 'x', i: NumberLong(0)}", "{_id: 1, tags: 'y', i: NumberLong(1)}", "{_id: 2, i: null}", "{_id: 3, tags: 'y', i: NumberLong(0)}", "{_id: 4, i: null}"),
            Run("[{$unwind: {path: '$tags', includeArrayIndex: 'i', preserveNullAndEmptyArrays: true}}, {$project: {tags: 1, i: 1}}]"));
        Assert.Equal(Expect("{a: {b: 1}}", "{a: {b: 2}}", "{a: {b: 5}}"), Run("[{$unwind: '$a.b'}]", ["{a: {b: [1, 2]}}", "{a: {b: 5}}", "{a: {b: null}}"]));
    }

    [Fact]
    public void Count_replace_root_and_sort_by_count()
    {
        Assert.Equal(Expect("{n: 2}"), Run("[{$match: {item: 'a'}}, {$count: 'n'}]"));
        Assert.Empty(Run("[{$match: {item: 'zz'}}, {$count: 'n'}]"));
        Assert.Equal(Expect("{x: 1}"), Run("[{$replaceRoot: {newRoot: '$sub'}}]", ["{sub: {x: 1}}"]));
        Assert.Equal(Expect("{x: 1}"), Run("[{$replaceWith: '$sub'}]", ["{sub: {x: 1}}"]));
        Assert.Equal(Expect("{_id: 'a', count: 2}", "{_id: 'b', count: 1}", "{_id: 'c', count: 1}"), Run("[{$sortByCount: '$item'}]"));
        var e = Fails(() => Run("[{$replaceWith: '$missing'}]", ["{a: 1}"]));
        Assert.Equal(40228, e.Code);
    }

    [Fact]
    public void Sample_uses_the_injected_random()
    {
        var first = Run("[{$sample: {size: 2}}]", options: new AggregationOptions { Random = new Random(42) });
        var second = Run("[{$sample: {size: 2}}]", options: new AggregationOptions { Random = new Random(42) });
        Assert.Equal(2, first.Length);
        Assert.Equal(first, second);
        Assert.Equal(4, Run("[{$sample: {size: 10}}]").Length);
        Assert.Empty(Run("[{$sample: {size: 0}}]"));
    }

    [Fact]
    public void Stages_stream_without_reading_the_whole_input()
    {
        var pipeline = AggregationPipeline.Compile(Stages("[{$match: {a: {$gte: 0}}}, {$project: {a: 1}}, {$limit: 2}]"));
        var taken = 0;
        IEnumerable<RawDocument> Endless()
        {
            for (var i = 0; ; i++)
            {
                taken++;
                yield return Doc($"{{a: {i}}}");
            }
        }

        Assert.Equal(2, pipeline.Execute(Endless()).Count());
        Assert.Equal(2, taken);
    }

    [Theory]
    [InlineData("[{$foo: 1}]", 40324, "Unrecognized pipeline stage name: '$foo'")]
    [InlineData("[{$match: {}, $sort: {a: 1}}]", 40323, "A pipeline stage specification object must contain exactly one field.")]
    [InlineData("[{$project: {x: {$foo: 1}}}]", 168, "Invalid $project :: caused by :: Unrecognized expression '$foo'")]
    [InlineData("[{$project: {a: {$elemMatch: {x: 1}}}}]", 168, "Invalid $project :: caused by :: Cannot use $elemMatch in this context")]
    [InlineData("[{$project: {}}]", 51272, "Invalid $project :: caused by :: projection specification must have at least one field")]
    [InlineData("[{$limit: 0}]", 15958, "the limit must be positive")]
    [InlineData("[{$limit: 'x'}]", 15957, "the limit must be specified as a number")]
    [InlineData("[{$skip: -1}]", 15956, "Argument to $skip cannot be negative")]
    [InlineData("[{$group: {n: {$sum: 1}}}]", 15955, "a group specification must include an _id")]
    [InlineData("[{$group: {_id: 1, n: {$foo: 1}}}]", 15952, "unknown group operator '$foo'")]
    [InlineData("[{$group: {_id: 1, 'a.b': {$sum: 1}}}]", 40235, "The field name 'a.b' cannot contain '.'")]
    [InlineData("[{$group: {_id: 1, n: 1}}]", 40234, "The field 'n' must be an accumulator object")]
    [InlineData("[{$count: ''}]", 40156, "the count field must be a non-empty string")]
    [InlineData("[{$count: '$n'}]", 40158, "the count field cannot be a $-prefixed path")]
    [InlineData("[{$unwind: 'tags'}]", 28818, "path option to $unwind stage should be prefixed with a '$': tags")]
    [InlineData("[{$unwind: {path: '$a', foo: 1}}]", 28811, "unrecognized option to $unwind stage: foo")]
    [InlineData("[{$sample: {size: -1}}]", 28747, "size argument to $sample must not be negative")]
    [InlineData("[{$sample: {}}]", 28749, "$sample stage must specify a size")]
    [InlineData("[{$sort: {}}]", 15976, "$sort stage must have at least one sort key")]
    [InlineData("[{$unset: 5}]", 31002, "$unset specification must be a string or an array")]
    [InlineData("[{$sortByCount: 'x'}]", 40148, "the sortByCount field must be defined as a $-prefixed path or an expression")]
    public void Bad_pipelines_fail_with_the_servers_code_and_message(string pipeline, int code, string message)
    {
        var e = Fails(() => AggregationPipeline.Compile(Stages(pipeline)));
        Assert.Equal(code, e.Code);
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("$graphLookup")]
    [InlineData("$out")]
    [InlineData("$merge")]
    [InlineData("$changeStream")]
    [InlineData("$collStats")]
    [InlineData("$indexStats")]
    [InlineData("$currentOp")]
    public void Server_stages_are_reported_for_the_command_layer(string stage)
    {
        var stages = Stages($"[{{$match: {{}}}}, {{'{stage}': {{}}}}]");
        Assert.True(AggregationPipeline.RequiresServer(stage));
        Assert.Equal(1, AggregationPipeline.FindServerStage(stages));
        var e = Assert.Throws<ServerStageException>(() => AggregationPipeline.Compile(stages));
        Assert.Equal(stage, e.StageName);
        Assert.Equal(1, e.StageIndex);
        Assert.Equal(-1, AggregationPipeline.FindServerStage(Stages("[{$match: {}}]")));
    }
}
