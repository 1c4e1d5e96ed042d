using MongoMigrate.Testing;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>
/// Where the unified-format files come from: the folder named by SPEC_TESTS_DIR, else the CRUD tests in
/// the shared fixtures beside the checkout.
/// </summary>
public static class SpecificationFolder
{
    public const string FolderVariable = "SPEC_TESTS_DIR";

    private static readonly string[] CrudTestsPath = ["specifications", "source", "crud", "tests", "unified"];

    /// <summary>The folder to read, or null with the reason it is absent.</summary>
    public static (string? Folder, string? MissingReason) Locate()
    {
        if (Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } configured)
        {
            // A relative path is taken from the current folder, else from the repository root (the
            // test host may run elsewhere than where `dotnet test` was typed).
            var candidates = Path.IsPathRooted(configured) ? [configured] : new[] { Path.GetFullPath(configured), Path.Combine(FixturePaths.RepositoryRoot, configured) };
            return candidates.FirstOrDefault(Directory.Exists) is { } found
                ? (Path.GetFullPath(found), null)
                : (null, $"{FolderVariable} names '{configured}', which is not a folder.");
        }

        if (FixturePaths.FixturesRoot is not { } root)
        {
            return (null, "The shared fixtures folder (../shared/fixtures beside the checkout) is not present, and SPEC_TESTS_DIR is not set.");
        }

        var folder = Path.Combine([root, .. CrudTestsPath]);
        return Directory.Exists(folder)
            ? (folder, null)
            : (null, $"The CRUD unified tests are not present under {root} ({Path.Combine(CrudTestsPath)}).");
    }

    /// <summary>The JSON test files of the folder, in name order.</summary>
    public static IReadOnlyList<string> Files(string folder) =>
        Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal).ToList();
}
