using MongoDB.Bson;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>
/// Features the sandbox deliberately does not offer. Against the sandbox, a test that needs one is
/// skipped with the feature's name; against a real server (MONGOMIGRATE_TEST_URI) it runs.
/// Everything else a test needs is the sandbox's to provide: a failure there is a sandbox defect.
/// </summary>
public static class SandboxScope
{
    private static readonly HashSet<string> TransactionOperations = new(StringComparer.Ordinal)
    {
        "startTransaction", "commitTransaction", "abortTransaction", "withTransaction",
    };

    /// <summary>Why the test is outside the sandbox's scope, or null when it is within it.</summary>
    public static string? OutOfScope(SpecificationFile file, BsonDocument test, ServerUnderTest server)
    {
        if (!server.IsSandbox)
        {
            return null;
        }

        var found = new SortedSet<string>(StringComparer.Ordinal);
        Scan(test["operations"], found);
        Scan(file.CreateEntities, found);
        Scan(file.InitialData, found);
        return found.Count == 0 ? null : $"{string.Join(" and ", found)} {(found.Count == 1 ? "is" : "are")} outside the sandbox's scope.";
    }

    private static void Scan(BsonValue value, SortedSet<string> found)
    {
        switch (value)
        {
            case BsonDocument document:
                foreach (var element in document)
                {
                    switch (element.Name)
                    {
                        case "collation":
                            found.Add("Collation");
                            break;
                        case "name" when element.Value is BsonString name && TransactionOperations.Contains(name.Value):
                            found.Add("Transactions");
                            break;
                        case "clientEncryption" or "autoEncryptOpts":
                            found.Add("Client-side field level encryption");
                            break;
                    }

                    Scan(element.Value, found);
                }

                break;
            case BsonArray array:
                foreach (var item in array)
                {
                    Scan(item, found);
                }

                break;
        }
    }
}
