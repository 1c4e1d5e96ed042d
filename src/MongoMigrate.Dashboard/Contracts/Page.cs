namespace MongoMigrate.Dashboard.Contracts;

/// <summary>One page of a longer list.</summary>
public sealed record Page<T>(int Total, int PageNumber, int PageSize, IReadOnlyList<T> Items)
{
    public const int MaxPageSize = 500;

    /// <summary>Cuts <paramref name="all"/> into pages of <paramref name="size"/> (1 to 500) and returns page <paramref name="number"/> (from 1).</summary>
    public static Page<T> Of(IReadOnlyList<T> all, int? number, int? size)
    {
        var pageSize = Math.Clamp(size ?? 50, 1, MaxPageSize);
        var page = Math.Max(1, number ?? 1);
        return new Page<T>(all.Count, page, pageSize, [.. all.Skip((page - 1) * pageSize).Take(pageSize)]);
    }
}
