namespace MongoMigrate.Engine.State;

/// <summary>
/// One table of the SQLite job state, defined once: its columns in order, its keys and its indexes. A new file creates
/// it whole; an older file that lacks one of its columns gains that column from this same definition.
/// </summary>
internal sealed record SqliteTable(string Name, IReadOnlyList<string> Columns, IReadOnlyList<string> Keys, IReadOnlyList<(string Name, string Columns)> Indexes)
{
    public SqliteTable(string name, params IReadOnlyList<string> columns)
        : this(name, columns, [], [])
    {
    }

    /// <summary>CREATE TABLE, then its indexes, each IF NOT EXISTS: a file that has them already keeps them as they are.</summary>
    public string Create =>
        $"CREATE TABLE IF NOT EXISTS {Name} (\n    {string.Join(",\n    ", Columns.Concat(Keys))});"
        + string.Concat(Indexes.Select(index => $"\nCREATE INDEX IF NOT EXISTS {index.Name} ON {Name} {index.Columns};"));

    /// <summary>The definition of one column (<c>verified_chunks INTEGER</c>), as ALTER TABLE ADD COLUMN takes it.</summary>
    public string Column(string name) =>
        Columns.SingleOrDefault(column => column.StartsWith(name + " ", StringComparison.Ordinal))
        ?? throw new ArgumentException($"The table {Name} has no column {name}.", nameof(name));
}
