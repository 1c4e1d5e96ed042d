namespace MongoMigrate.Dashboard.Tests.Browser;

/// <summary>Debian's Chromium, which the browser tests drive through Playwright (no browser is downloaded).</summary>
internal static class Chromium
{
    public const string PathVariable = "MONGOMIGRATE_CHROMIUM";

    /// <summary>The browser to launch: $MONGOMIGRATE_CHROMIUM, or Debian's; fails the test with what to install when there is none.</summary>
    public static string ExecutablePath()
    {
        string[] candidates = [Environment.GetEnvironmentVariable(PathVariable) ?? string.Empty, "/usr/lib/chromium/chromium", "/usr/bin/chromium"];
        var found = candidates.FirstOrDefault(p => p.Length > 0 && File.Exists(p));
        Assert.True(found is not null, $"No Chromium: run 'apt-get install -y chromium' (.ci/run does) or set {PathVariable}.");
        return found!;
    }
}
