using MongoMigrate.Engine.Namespaces;

namespace MongoMigrate.Engine.Connections;

/// <summary>
/// The rule for writing into the deployment that is being read: allowed only into namespaces that are not read. A
/// rename inside one deployment (--from a.* --to b.*) is a legitimate copy; writing into, or with a drop replacing, a
/// namespace that is read would destroy the very data being copied, and is refused before anything is written.
/// </summary>
public static class SameDeploymentRule
{
    /// <summary>Throws a one-line <see cref="MigrationException"/> when a target namespace is one that is read.</summary>
    /// <param name="sameBecause">Why source and target are one deployment (<see cref="DeploymentIdentity.SameDeploymentAs"/>); null when they are not.</param>
    /// <param name="source">How the source is named in the message (a redacted URI, or a dump and where it comes from).</param>
    /// <param name="target">The target's redacted URI.</param>
    /// <param name="targets">The namespaces that would be written.</param>
    /// <param name="read">The namespaces that are read.</param>
    /// <param name="drop">Whether targets would be dropped first (--drop-target, --drop).</param>
    /// <param name="whatToDo">The way out, ending the message.</param>
    public static void Check(string? sameBecause, string source, string target, IEnumerable<NamespaceName> targets, IEnumerable<NamespaceName> read, bool drop, string whatToDo)
    {
        if (sameBecause is null)
        {
            return;
        }

        var reading = read.ToHashSet();
        var clash = targets.Where(reading.Contains).Distinct().Order().ToList();
        if (clash.Count == 0)
        {
            return;
        }

        var more = clash.Count > 1 ? $" (and {clash.Count - 1} more)" : string.Empty;
        throw new MigrationException(
            $"The source {source} and the target {target} are one deployment, {sameBecause}: "
            + $"{(drop ? "dropping and rewriting" : "writing into")} {clash[0]}{more} would destroy what is being read. {whatToDo}");
    }
}
