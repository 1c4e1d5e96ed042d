using System.Collections.Frozen;
namespace MongoMigrate.Sandbox.Commands;

/// <summary>Fields any command may carry (sessions, concerns, cluster time) that are not part of its own options.</summary>
internal static class GenericFields
{
    private static readonly FrozenSet<string> Names = FrozenSet.Create(
        StringComparer.Ordinal,
        "$db", "lsid", "txnNumber", "$clusterTime", "writeConcern", "readConcern", "$readPreference", "comment",
        "maxTimeMS", "apiVersion", "apiStrict", "apiDeprecationErrors", "autocommit", "startTransaction",
        "$audit", "$client", "mayBypassWriteBlocking", "$configServerState", "$topologyTime");

    public static bool Contains(string name) => Names.Contains(name);
}
