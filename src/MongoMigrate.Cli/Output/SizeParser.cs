using System.Globalization;

namespace MongoMigrate.Cli.Output;

/// <summary>Reads sizes such as 64MB, 1.5GB, 512KiB or a plain byte count.</summary>
internal static class SizeParser
{
    public static bool TryParse(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim();
        var split = trimmed.Length;
        while (split > 0 && char.IsLetter(trimmed[split - 1]))
        {
            split--;
        }

        var unit = trimmed[split..].ToUpperInvariant();
        var multiplier = unit switch
        {
            "" or "B" => 1L,
            "K" or "KB" or "KIB" => 1024L,
            "M" or "MB" or "MIB" => 1024L * 1024,
            "G" or "GB" or "GIB" => 1024L * 1024 * 1024,
            "T" or "TB" or "TIB" => 1024L * 1024 * 1024 * 1024,
            _ => 0,
        };
        if (multiplier == 0 || !double.TryParse(trimmed[..split], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0)
        {
            return false;
        }

        bytes = (long)(value * multiplier);
        return true;
    }

    public static string Format(double bytes) => bytes switch
    {
        >= 1024L * 1024 * 1024 => (bytes / (1024.0 * 1024 * 1024)).ToString("0.00", CultureInfo.InvariantCulture) + " GB",
        >= 1024 * 1024 => (bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + " MB",
        >= 1024 => (bytes / 1024.0).ToString("0.0", CultureInfo.InvariantCulture) + " KB",
        _ => bytes.ToString("0", CultureInfo.InvariantCulture) + " B",
    };

    public static string FormatDuration(TimeSpan? duration) => duration is not { } d ? "--:--"
        : d.TotalHours >= 1 ? $"{(int)d.TotalHours}:{d.Minutes:00}:{d.Seconds:00}"
        : $"{d.Minutes:00}:{d.Seconds:00}";
}
