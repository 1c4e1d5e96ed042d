using Xunit;

namespace MongoMigrate.Testing;

/// <summary>Finds the shared fixtures folder that sits beside the checkout (../shared/fixtures).</summary>
public static class FixturePaths
{
    private static readonly Lazy<string?> Root = new(FindRoot);

    /// <summary>The fixtures folder, or null when it is not beside this checkout.</summary>
    public static string? FixturesRoot => Root.Value;

    /// <summary>The repository root (the folder holding MongoMigrate.slnx).</summary>
    public static string RepositoryRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MongoMigrate.slnx")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("Cannot find MongoMigrate.slnx above " + AppContext.BaseDirectory);
        }
    }

    /// <summary>A path under the fixtures folder; the test is skipped, with the reason, when the folder is missing.</summary>
    public static string Require(params string[] parts)
    {
        var root = FixturesRoot;
        if (root is null)
        {
            Assert.Skip("The shared fixtures folder (../shared/fixtures beside the checkout, or MONGOMIGRATE_FIXTURES) is not present.");
        }

        var path = Path.Combine([root!, .. parts]);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            Assert.Skip($"Fixture '{Path.Combine(parts)}' is not present under {root}.");
        }

        return path;
    }

    private static string? FindRoot()
    {
        var configured = Environment.GetEnvironmentVariable("MONGOMIGRATE_FIXTURES");
        if (!string.IsNullOrEmpty(configured))
        {
            return Directory.Exists(configured) ? configured : null;
        }

        var candidate = Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "fixtures"));
        return Directory.Exists(candidate) ? candidate : null;
    }
}
