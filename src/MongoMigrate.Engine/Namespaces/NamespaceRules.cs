using System.Text;

namespace MongoMigrate.Engine.Namespaces;

/// <summary>
/// MongoDB's naming rules (as of 7.0), checked before anything is written: a database name is 1 to 63 bytes without
/// /\. "$*&lt;&gt;:|? or NUL; a collection name is not empty, has no '$' or NUL and does not start with "system.";
/// database.collection is at most 255 bytes. The admin, config and local databases are the server's own.
/// </summary>
public static class NamespaceRules
{
    public const int MaxDatabaseNameBytes = 63;

    public const int MaxNamespaceBytes = 255;

    /// <summary>Characters no database name may hold (MongoDB refuses them on every platform it runs on, Windows included).</summary>
    public const string ForbiddenInDatabaseNames = "/\\. \"$*<>:|?\0";

    private static readonly string[] ServerDatabases = ["admin", "config", "local"];

    /// <summary>Why <paramref name="name"/> cannot be written to, or null when it can.</summary>
    public static string? Problem(NamespaceName name) =>
        DatabaseProblem(name.Database)
        ?? CollectionProblem(name.Collection)
        ?? (Encoding.UTF8.GetByteCount(name.FullName) > MaxNamespaceBytes
            ? $"the namespace '{Shown(name.FullName)}' is {Encoding.UTF8.GetByteCount(name.FullName)} bytes long; MongoDB allows {MaxNamespaceBytes}"
            : null);

    /// <summary>Why a database name is not allowed as a target, or null.</summary>
    public static string? DatabaseProblem(string database)
    {
        if (database.Length == 0)
        {
            return "the database name is empty";
        }

        if (ForbiddenCharacter(database) is { } forbidden)
        {
            return forbidden;
        }

        var bytes = Encoding.UTF8.GetByteCount(database);
        if (bytes > MaxDatabaseNameBytes)
        {
            return $"the database name '{Shown(database)}' is {bytes} bytes long; MongoDB allows {MaxDatabaseNameBytes}";
        }

        return ServerDatabases.Contains(database, StringComparer.OrdinalIgnoreCase)
            ? $"'{database}' is a database of the server itself, not one to write collections to"
            : null;
    }

    /// <summary>Why a collection name is not allowed as a target, or null.</summary>
    public static string? CollectionProblem(string collection)
    {
        if (collection.Length == 0)
        {
            return "the collection name is empty";
        }

        if (collection.IndexOfAny(['$', '\0']) is var at and >= 0)
        {
            return $"the collection name '{Shown(collection)}' contains {Describe(collection[at])}, which MongoDB does not allow in collection names";
        }

        return collection.StartsWith("system.", StringComparison.Ordinal)
            ? $"the collection name '{Shown(collection)}' starts with \"system.\", which MongoDB keeps for its own collections"
            : null;
    }

    /// <summary>
    /// Checks the fixed parts of a --to pattern (what no '*' can change): a problem there holds for every name it makes.
    /// Returns null when the pattern can make valid names.
    /// </summary>
    public static string? PatternProblem(string pattern)
    {
        var dot = pattern.IndexOf('.', StringComparison.Ordinal);
        var database = dot < 0 ? pattern : pattern[..dot];
        var collection = dot < 0 ? "*" : pattern[(dot + 1)..];
        var databaseProblem = database.Contains('*', StringComparison.Ordinal)
            ? ForbiddenCharacter(database.Replace("*", string.Empty, StringComparison.Ordinal))
            : DatabaseProblem(database);
        if (databaseProblem is not null)
        {
            return databaseProblem;
        }

        if (!collection.Contains('*', StringComparison.Ordinal))
        {
            return CollectionProblem(collection) ?? (Encoding.UTF8.GetByteCount(database + "." + collection) > MaxNamespaceBytes && !database.Contains('*', StringComparison.Ordinal)
                ? $"the namespace '{Shown(database + "." + collection)}' is longer than the {MaxNamespaceBytes} bytes MongoDB allows"
                : null);
        }

        if (collection.IndexOfAny(['$', '\0']) is var at and >= 0)
        {
            return $"the collection part '{Shown(collection)}' contains {Describe(collection[at])}, which MongoDB does not allow in collection names";
        }

        var prefix = collection[..collection.IndexOf('*', StringComparison.Ordinal)];
        return prefix.Length > 0 && CollectionProblem(prefix + "x") is { } startProblem && startProblem.Contains("system.", StringComparison.Ordinal)
            ? $"the collection names it makes start with \"system.\", which MongoDB keeps for its own collections"
            : null;
    }

    private static string? ForbiddenCharacter(string database) =>
        database.IndexOfAny(ForbiddenInDatabaseNames.ToCharArray()) is var at and >= 0
            ? $"the database name '{Shown(database)}' contains {Describe(database[at])}, which MongoDB does not allow in database names (none of /\\. \"$*<>:|? or spaces)"
            : null;

    private static string Describe(char c) => c switch
    {
        ' ' => "a space",
        '\0' => "a NUL character",
        _ => $"'{c}'",
    };

    private static string Shown(string name) => name.Length > 80 ? name[..40] + "..." + name[^20..] : name.Replace("\0", "\\0", StringComparison.Ordinal);
}
