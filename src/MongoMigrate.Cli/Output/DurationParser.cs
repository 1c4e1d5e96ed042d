using System.Globalization;

namespace MongoMigrate.Cli.Output;

/// <summary>Reads durations such as 90s, 15m, 1.5h or a plain number of seconds; "off" (or 0) means none.</summary>
internal static class DurationParser
{
    public static bool TryParse(string? text, out TimeSpan? duration)
    {
        duration = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        if (trimmed.Equals("off", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var split = trimmed.Length;
        while (split > 0 && char.IsLetter(trimmed[split - 1]))
        {
            split--;
        }

        var seconds = trimmed[split..].ToUpperInvariant() switch
        {
            "" or "S" => 1.0,
            "M" or "MIN" => 60.0,
            "H" => 3600.0,
            _ => 0.0,
        };
        if (seconds == 0 || !double.TryParse(trimmed[..split], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0 || value * seconds > TimeSpan.FromDays(7).TotalSeconds)
        {
            return false;
        }

        duration = value == 0 ? null : TimeSpan.FromSeconds(value * seconds);
        return true;
    }
}
