using MongoDB.Bson;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>One unified-format test file, parsed with the driver's extended JSON reader, its schema version checked.</summary>
public sealed class SpecificationFile
{
    /// <summary>
    /// The newest schema version this runner reads. Files with a higher minor version, or another major
    /// version, are incompatible: every test in them fails with that reason, as the format requires.
    /// Features of the 1.x series that the runner does not implement (log messages, CMAP events, GridFS,
    /// client-side encryption...) fail the test that uses them with an "unsupported" message naming them.
    /// </summary>
    public static readonly VersionNumber SupportedSchemaVersion = new(1, 21, 0);

    private SpecificationFile(string path, BsonDocument document)
    {
        Path = path;
        Document = document;
    }

    public string Path { get; }

    /// <summary>The file's name without the folder, which identifies it in test names and the summary.</summary>
    public string Name => System.IO.Path.GetFileName(Path);

    public BsonDocument Document { get; }

    public string Description => Document.GetValue("description", Name).AsString;

    public string SchemaVersion => Document.GetValue("schemaVersion", "?").ToString()!;

    public BsonArray RunOnRequirements => Document.GetValue("runOnRequirements", new BsonArray()).AsBsonArray;

    public BsonArray CreateEntities => Document.GetValue("createEntities", new BsonArray()).AsBsonArray;

    public BsonArray InitialData => Document.GetValue("initialData", new BsonArray()).AsBsonArray;

    public IReadOnlyList<BsonDocument> Tests =>
        Document.GetValue("tests", new BsonArray()).AsBsonArray.Select(t => t.AsBsonDocument).ToList();

    /// <summary>Why the runner cannot process this file, or null when its schema version is supported.</summary>
    public string? IncompatibilityReason
    {
        get
        {
            VersionNumber version;
            try
            {
                version = VersionNumber.Parse(SchemaVersion);
            }
            catch (FormatException e)
            {
                return $"schemaVersion: {e.Message}";
            }

            return version.Major == SupportedSchemaVersion.Major && version <= SupportedSchemaVersion
                ? null
                : $"schemaVersion {SchemaVersion} is not supported by this runner (it reads 1.0 to {SupportedSchemaVersion.Major}.{SupportedSchemaVersion.Minor}).";
        }
    }

    public static SpecificationFile Load(string path)
    {
        var text = File.ReadAllText(path);
        var document = BsonDocument.Parse(text);
        if (!document.Contains("tests") || !document.Contains("schemaVersion"))
        {
            throw new FormatException($"{path} is not a unified-format test file (no 'tests' or 'schemaVersion').");
        }

        return new SpecificationFile(path, document);
    }
}
