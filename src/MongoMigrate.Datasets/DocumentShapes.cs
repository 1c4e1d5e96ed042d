using MongoDB.Bson;
using MongoMigrate.Bson;

namespace MongoMigrate.Datasets;

/// <summary>Realistic document bodies: nested documents, arrays, and the common BSON types.</summary>
public static class DocumentShapes
{
    private static readonly string[] Cities = ["Lisbon", "Osaka", "Denver", "Nairobi", "Tallinn", "Recife", "Perth", "Lyon"];
    private static readonly string[] Tags = ["new", "vip", "churn-risk", "b2b", "trial", "beta", "newsletter"];
    private static readonly string[] Statuses = ["pending", "paid", "shipped", "delivered", "refunded"];
    private static readonly string[] EventTypes = ["click", "view", "purchase", "login", "logout", "search"];

    /// <summary>Milliseconds since the epoch for a date in 2020-2026.</summary>
    private static long Date(Random random) => 1577836800000L + random.NextInt64(0, 220_000_000_000L);

    public static void Customer(BsonBuilder b, long i, Random random) =>
        b.String("name", $"Customer {i}")
            .String("email", $"customer{i}@example.com")
            .DateTime("createdAt", Date(random))
            .Boolean("active", random.Next(10) > 1)
            .StartDocument("address")
                .String("street", $"{random.Next(1, 999)} Market Street")
                .String("city", Cities[random.Next(Cities.Length)])
                .StartArray("location").Double("0", (random.NextDouble() * 360) - 180).Double("1", (random.NextDouble() * 180) - 90).End()
            .End()
            .StartArray("tags").String("0", Tags[random.Next(Tags.Length)]).String("1", Tags[random.Next(Tags.Length)]).End()
            .Decimal128("balance", new Decimal128(Math.Round((decimal)(random.NextDouble() * 10_000), 2)))
            .Int32("loyaltyPoints", random.Next(0, 50_000))
            .Null("deletedAt");

    public static void Order(BsonBuilder b, long i, Random random)
    {
        b.Int64("customerId", random.NextInt64(0, 40_000))
            .DateTime("createdAt", Date(random))
            .String("status", Statuses[random.Next(Statuses.Length)])
            .StartArray("items");
        var items = random.Next(1, 6);
        for (var n = 0; n < items; n++)
        {
            b.StartDocument(BsonBuilder.Index(n))
                .String("sku", $"SKU-{random.Next(0, 10_000):D5}")
                .Int32("quantity", random.Next(1, 5))
                .Double("price", Math.Round(random.NextDouble() * 200, 2))
                .End();
        }

        b.End()
            .Decimal128("total", new Decimal128(Math.Round((decimal)(random.NextDouble() * 1000), 2)))
            .Timestamp("syncedAt", ((ulong)(1_700_000_000 + i) << 32) | 1)
            .Binary("receipt", 0, BitConverter.GetBytes(random.NextInt64()));
    }

    public static void Event(BsonBuilder b, long i, Random random) =>
        b.String("type", EventTypes[random.Next(EventTypes.Length)])
            .DateTime("at", Date(random))
            .StartDocument("payload")
                .String("path", $"/page/{random.Next(0, 500)}")
                .Int32("durationMs", random.Next(0, 30_000))
                .Double("score", random.NextDouble())
                .StartDocument("device").String("os", random.Next(2) == 0 ? "android" : "ios").Int32("version", random.Next(10, 18)).End()
            .End()
            .Regex("matchedBy", "^/page/[0-9]+$", "i");

    public static void Product(BsonBuilder b, long i, Random random) =>
        b.String("sku", $"SKU-{i:D6}")
            .String("title", $"Product number {i}")
            .String("description", new string('d', random.Next(50, 400)))
            .Decimal128("price", new Decimal128(Math.Round((decimal)(random.NextDouble() * 500), 2)))
            .StartArray("categories").String("0", "cat" + random.Next(20)).String("1", "cat" + random.Next(20)).End()
            .Int32("stock", random.Next(0, 1000))
            .Double("rating", Math.Round(random.NextDouble() * 5, 1));

    public static void Session(BsonBuilder b, long i, Random random) =>
        b.Int64("userId", random.NextInt64(0, 40_000))
            .DateTime("expiresAt", Date(random) + 86_400_000)
            .Binary("token", 0, Guid.NewGuid().ToByteArray())
            .String("userAgent", "Mozilla/5.0 (X11; Linux x86_64)");

    /// <summary>A body padded with a string so the whole document is about <paramref name="size"/> bytes.</summary>
    public static Action<BsonBuilder, long, Random> Padded(int size) => (b, i, random) =>
        b.Int64("n", i).DateTime("at", Date(random)).String("padding", new string('x', Math.Max(0, size - 64)));

    /// <summary>Writes an _id of the given kind for document i.</summary>
    public static void Id(BsonBuilder b, IdKind kind, long i, Random random)
    {
        switch (kind)
        {
            case IdKind.ObjectId:
                b.ObjectId("_id", ObjectId.GenerateNewId());
                break;
            case IdKind.Int64:
                b.Int64("_id", i);
                break;
            case IdKind.String:
                b.String("_id", $"key-{i:D10}");
                break;
            case IdKind.Uuid:
                b.Binary("_id", 4, Guid.NewGuid().ToByteArray(bigEndian: true));
                break;
            default:
                switch (i % 8)
                {
                    case 0: b.ObjectId("_id", ObjectId.GenerateNewId()); break;
                    case 1: b.Int32("_id", (int)(i / 8)); break;
                    case 2: b.Int64("_id", (i / 8) + 3_000_000_000L); break;
                    case 3: b.Double("_id", (i / 8) + 0.5); break;
                    case 4: b.String("_id", $"evt-{i:D9}"); break;
                    case 5: b.Binary("_id", 4, Guid.NewGuid().ToByteArray(bigEndian: true)); break;
                    case 6: b.DateTime("_id", 1_600_000_000_000L + i); break;
                    default: b.StartDocument("_id").String("source", "sensor").Int64("seq", i).End(); break;
                }

                break;
        }
    }
}
