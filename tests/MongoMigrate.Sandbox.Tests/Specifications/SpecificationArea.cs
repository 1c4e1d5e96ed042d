namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>
/// One specification's unified tests: where they live in the shared fixtures and the environment
/// variable that points the runner at another folder.
/// </summary>
public sealed record SpecificationArea(string Name, string FolderVariable, params string[] RelativePath)
{
    /// <summary>The CRUD tests (SPEC_TESTS_DIR overrides the folder).</summary>
    public static readonly SpecificationArea Crud = new("CRUD", "SPEC_TESTS_DIR", "specifications", "source", "crud", "tests", "unified");

    /// <summary>The change-stream tests (CHANGE_STREAM_SPEC_TESTS_DIR overrides the folder).</summary>
    public static readonly SpecificationArea ChangeStreams = new("change-stream", "CHANGE_STREAM_SPEC_TESTS_DIR", "specifications", "source", "change-streams", "tests", "unified");
}
