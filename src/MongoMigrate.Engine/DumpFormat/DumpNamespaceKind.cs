namespace MongoMigrate.Engine.DumpFormat;

/// <summary>What a namespace found in a dump is, which decides how a restore treats it.</summary>
public enum DumpNamespaceKind
{
    /// <summary>An ordinary collection: documents (possibly none) and metadata.</summary>
    Collection,

    /// <summary>A view: metadata only (viewOn and pipeline in its options).</summary>
    View,

    /// <summary>A time-series collection: data from system.buckets.&lt;name&gt;, metadata under the name.</summary>
    TimeSeries,

    /// <summary>admin.system.users, or $admin.system.users of a single-database dump with --dumpDbUsersAndRoles.</summary>
    Users,

    /// <summary>admin.system.roles, or $admin.system.roles.</summary>
    Roles,

    /// <summary>admin.system.version (auth schema version and FCV), or $admin.system.version.</summary>
    AuthVersion,
}
