using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>The format's common option objects (readConcern, writeConcern, readPreference, returnDocument) as driver types.</summary>
public static class DriverOptions
{
    public static ReadConcern ReadConcern(BsonDocument spec) => spec.GetValue("level", BsonNull.Value) switch
    {
        BsonString level => new ReadConcern(level.Value switch
        {
            "local" => ReadConcernLevel.Local,
            "majority" => ReadConcernLevel.Majority,
            "linearizable" => ReadConcernLevel.Linearizable,
            "available" => ReadConcernLevel.Available,
            "snapshot" => ReadConcernLevel.Snapshot,
            var other => throw new FormatException($"readConcern level '{other}' is unknown."),
        }),
        _ => MongoDB.Driver.ReadConcern.Default,
    };

    public static WriteConcern WriteConcern(BsonDocument spec)
    {
        WriteConcern.WValue? w = spec.TryGetValue("w", out var wValue)
            ? wValue.IsString ? new WriteConcern.WMode(wValue.AsString) : new WriteConcern.WCount(wValue.ToInt32())
            : null;
        TimeSpan? timeout = spec.TryGetValue("wtimeoutMS", out var t) ? TimeSpan.FromMilliseconds(t.ToInt64()) : null;
        bool? journal = spec.TryGetValue("journal", out var j) ? j.ToBoolean() : null;
        return new WriteConcern(w, timeout, fsync: null, journal);
    }

    public static ReadPreference ReadPreference(BsonDocument spec)
    {
        var mode = spec["mode"].AsString.ToUpperInvariant() switch
        {
            "PRIMARY" => ReadPreferenceMode.Primary,
            "PRIMARYPREFERRED" => ReadPreferenceMode.PrimaryPreferred,
            "SECONDARY" => ReadPreferenceMode.Secondary,
            "SECONDARYPREFERRED" => ReadPreferenceMode.SecondaryPreferred,
            "NEAREST" => ReadPreferenceMode.Nearest,
            var other => throw new FormatException($"readPreference mode '{other}' is unknown."),
        };
        var tagSets = spec.TryGetValue("tagSets", out var sets)
            ? sets.AsBsonArray.Select(set => new TagSet(set.AsBsonDocument.Select(tag => new Tag(tag.Name, tag.Value.AsString)))).ToList()
            : null;
        TimeSpan? staleness = spec.TryGetValue("maxStalenessSeconds", out var s) ? TimeSpan.FromSeconds(s.ToInt64()) : null;
        return new ReadPreference(mode, tagSets, staleness);
    }

    /// <summary>"Before" or "After", compared case-insensitively as the format requires.</summary>
    public static ReturnDocument ReturnDocument(string value) => value.ToUpperInvariant() switch
    {
        "BEFORE" => MongoDB.Driver.ReturnDocument.Before,
        "AFTER" => MongoDB.Driver.ReturnDocument.After,
        _ => throw new FormatException($"returnDocument '{value}' is neither Before nor After."),
    };

    /// <summary>collectionOptions / databaseOptions applied to a database's settings.</summary>
    public static MongoDatabaseSettings DatabaseSettings(BsonDocument? spec)
    {
        var settings = new MongoDatabaseSettings();
        foreach (var option in spec ?? [])
        {
            switch (option.Name)
            {
                case "readConcern":
                    settings.ReadConcern = ReadConcern(option.Value.AsBsonDocument);
                    break;
                case "writeConcern":
                    settings.WriteConcern = WriteConcern(option.Value.AsBsonDocument);
                    break;
                case "readPreference":
                    settings.ReadPreference = ReadPreference(option.Value.AsBsonDocument);
                    break;
                default:
                    throw new UnsupportedSpecificationFeatureException($"database option '{option.Name}' is not supported by this runner.");
            }
        }

        return settings;
    }

    public static MongoCollectionSettings CollectionSettings(BsonDocument? spec)
    {
        var settings = new MongoCollectionSettings();
        foreach (var option in spec ?? [])
        {
            switch (option.Name)
            {
                case "readConcern":
                    settings.ReadConcern = ReadConcern(option.Value.AsBsonDocument);
                    break;
                case "writeConcern":
                    settings.WriteConcern = WriteConcern(option.Value.AsBsonDocument);
                    break;
                case "readPreference":
                    settings.ReadPreference = ReadPreference(option.Value.AsBsonDocument);
                    break;
                default:
                    throw new UnsupportedSpecificationFeatureException($"collection option '{option.Name}' is not supported by this runner.");
            }
        }

        return settings;
    }
}
