using MongoMigrate.Testing;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>
/// Where an area's unified-format files come from: the folder named by its variable (SPEC_TESTS_DIR for
/// CRUD), else its tests in the shared fixtures beside the checkout.
/// </summary>
public static class SpecificationFolder
{
    /// <summary>The folder to read, or null with the reason it is absent.</summary>
    public static (string? Folder, string? MissingReason) Locate(SpecificationArea area)
    {
        var folderVariable = area.FolderVariable;
        if (Environment.GetEnvironmentVariable(folderVariable) is { Length: > 0 } configured)
        {
            // A relative path is taken from the current folder, else from the repository root (the
            // test host may run elsewhere than where `dotnet test` was typed).
            var candidates = Path.IsPathRooted(configured) ? [configured] : new[] { Path.GetFullPath(configured), Path.Combine(FixturePaths.RepositoryRoot, configured) };
            return candidates.FirstOrDefault(Directory.Exists) is { } found
                ? (Path.GetFullPath(found), null)
                : (null, $"{folderVariable} names '{configured}', which is not a folder.");
        }

        if (FixturePaths.FixturesRoot is not { } root)
        {
            return (null, "The shared fixtures folder (../shared/fixtures beside the checkout) is not present, and {folderVariable} is not set.");
        }

        var folder = Path.Combine([root, .. area.RelativePath]);
        return Directory.Exists(folder)
            ? (folder, null)
            : (null, $"The {area.Name} unified tests are not present under {root} ({Path.Combine(area.RelativePath)}).");
    }

    /// <summary>The JSON test files of the folder, in name order.</summary>
    public static IReadOnlyList<string> Files(string folder) =>
        Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal).ToList();
}
