using System.Text.RegularExpressions;

namespace MongoMigrate.Sandbox.Documents;

/// <summary>MongoDB's regular expressions (PCRE pattern and i, m, s, x, u flags) as .NET regexes, for filters and $regexMatch.</summary>
internal static class MongoRegex
{
    /// <summary>Bounds a pathological pattern; a filter should never hang the sandbox.</summary>
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Builds the .NET regex for a MongoDB pattern and flags, or fails as the server does.</summary>
    public static Regex Create(string pattern, string flags)
    {
        var options = RegexOptions.CultureInvariant;
        foreach (var flag in flags)
        {
            options |= flag switch
            {
                'i' => RegexOptions.IgnoreCase,
                'm' => RegexOptions.Multiline,
                's' => RegexOptions.Singleline,
                'x' => RegexOptions.IgnorePatternWhitespace,
                'u' => RegexOptions.None,
                _ => throw new CommandException(51108, $"invalid flag in regex options: {flag}"),
            };
        }

        try
        {
            return new Regex(pattern, options, MatchTimeout);
        }
        catch (ArgumentException e)
        {
            throw new CommandException(51091, $"Regular expression is invalid: {e.Message}");
        }
    }
}
