using System.Globalization;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>
/// A major.minor.patch version as the unified format compares them: component by component,
/// missing components are zero, anything after the third component (pre-release tags) is ignored.
/// </summary>
public readonly record struct VersionNumber(int Major, int Minor, int Patch) : IComparable<VersionNumber>
{
    public static VersionNumber Parse(string text)
    {
        var core = text.Split('-', '+')[0];
        var parts = core.Split('.');
        if (parts.Length is 0 or > 4 || parts.Take(3).Any(p => !int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            throw new FormatException($"'{text}' is not a version string (major[.minor[.patch]]).");
        }

        int At(int i) => i < parts.Length ? int.Parse(parts[i], CultureInfo.InvariantCulture) : 0;
        return new VersionNumber(At(0), At(1), At(2));
    }

    public int CompareTo(VersionNumber other) =>
        Major != other.Major ? Major.CompareTo(other.Major)
        : Minor != other.Minor ? Minor.CompareTo(other.Minor)
        : Patch.CompareTo(other.Patch);

    public static bool operator <(VersionNumber left, VersionNumber right) => left.CompareTo(right) < 0;

    public static bool operator >(VersionNumber left, VersionNumber right) => left.CompareTo(right) > 0;

    public static bool operator <=(VersionNumber left, VersionNumber right) => left.CompareTo(right) <= 0;

    public static bool operator >=(VersionNumber left, VersionNumber right) => left.CompareTo(right) >= 0;

    public override string ToString() => $"{Major}.{Minor}.{Patch}";
}
