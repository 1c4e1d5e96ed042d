using MongoMigrate.Bson;

namespace MongoMigrate.Datasets;

/// <summary>The demo's shop: customers, orders, events with mixed _id types, products, sessions; about 200,000 documents by default.</summary>
public static class DemoDataset
{
    public const string Database = "shop";

    private static readonly (string Name, double Share, IdKind Ids, Action<BsonBuilder, long, Random> Body, RawDocument[] Indexes)[] Shapes =
    [
        ("customers", 0.20, IdKind.ObjectId, DocumentShapes.Customer, [Index("email_1", "email", unique: true), Index("address.city_1", "address.city")]),
        ("orders", 0.40, IdKind.Int64, DocumentShapes.Order, [Index("customerId_1", "customerId"), Index("status_1", "status")]),
        ("events", 0.25, IdKind.Mixed, DocumentShapes.Event, [Index("type_1", "type")]),
        ("products", 0.05, IdKind.String, DocumentShapes.Product, [Index("sku_1", "sku", unique: true)]),
        ("sessions", 0.10, IdKind.Uuid, DocumentShapes.Session, [Index("expiresAt_1", "expiresAt")]),
    ];

    /// <summary>The collections for <paramref name="documents"/> documents over <paramref name="collections"/> collections.</summary>
    public static IReadOnlyList<CollectionSpec> Create(long documents, int collections)
    {
        collections = Math.Max(1, collections);
        var picked = Enumerable.Range(0, collections).Select(i => (Shape: Shapes[i % Shapes.Length], Round: i / Shapes.Length)).ToList();
        var totalShare = picked.Sum(p => p.Shape.Share);
        return picked.Select(p => new CollectionSpec
        {
            Name = p.Round == 0 ? p.Shape.Name : $"{p.Shape.Name}_{p.Round + 1}",
            Documents = Math.Max(1, (long)Math.Round(documents * p.Shape.Share / totalShare)),
            Ids = p.Shape.Ids,
            Body = p.Shape.Body,
            Indexes = p.Shape.Indexes,
        }).ToList();
    }

    private static RawDocument Index(string name, string field, bool unique = false)
    {
        var builder = new BsonBuilder().StartDocument().StartDocument("key").Int32(field, 1).End().String("name", name);
        if (unique)
        {
            builder.Boolean("unique", true);
        }

        return builder.End().ToDocument();
    }
}
