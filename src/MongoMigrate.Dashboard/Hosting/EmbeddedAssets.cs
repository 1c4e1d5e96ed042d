using System.Collections.Frozen;
using System.Reflection;

namespace MongoMigrate.Dashboard.Hosting;

/// <summary>The page's files, embedded in the assembly: nothing is fetched from anywhere at run time.</summary>
internal static class EmbeddedAssets
{
    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    }.ToFrozenDictionary();

    /// <summary>The bytes and content type of <c>Assets/<paramref name="name"/></c>, or null when there is no such file.</summary>
    public static (byte[] Content, string ContentType)? Find(string name)
    {
        if (name.Contains("..", StringComparison.Ordinal) || !ContentTypes.TryGetValue(Path.GetExtension(name), out var type))
        {
            return null;
        }

        using var stream = typeof(EmbeddedAssets).Assembly.GetManifestResourceStream("Assets/" + name);
        if (stream is null)
        {
            return null;
        }

        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return (copy.ToArray(), type);
    }

    public static string Text(string name) => Find(name) is { } asset ? System.Text.Encoding.UTF8.GetString(asset.Content) : throw new InvalidOperationException($"The asset {name} is missing from {Assembly.GetExecutingAssembly().GetName().Name}.");
}
