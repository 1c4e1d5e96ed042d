using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Query;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>Compiles a command's optional filter document.</summary>
internal static class DocumentFilter
{
    public static QueryFilter Compile(RawDocument? filter) =>
        filter is { IsEmpty: false } f ? QueryFilter.Compile(f) : QueryFilter.MatchAll;
}
