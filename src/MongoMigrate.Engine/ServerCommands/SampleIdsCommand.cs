using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>An aggregate of <c>$sample</c> then <c>$project: {_id: 1}</c>: the _ids of a bounded random sample of a collection.</summary>
public static class SampleIdsCommand
{
    public static RawDocument Build(string collection, int size) => new BsonBuilder(256).StartDocument()
        .String("aggregate", collection)
        .StartArray("pipeline")
        .StartDocument("0").StartDocument("$sample").Int32("size", Math.Max(1, size)).End().End()
        .StartDocument("1").StartDocument("$project").Int32("_id", 1).End().End()
        .End()
        .StartDocument("cursor").End()
        .Boolean("allowDiskUse", true)
        .End().ToDocument();
}
