using MongoDB.Bson;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>The (file, test description) pairs of a folder: one Theory case each.</summary>
public static class SpecificationCases
{
    /// <summary>Stands in for the file name when there is no folder to read; the case skips with the reason.</summary>
    public const string NoFolder = "(no folder)";

    /// <summary>Stands in for the test description when a file cannot be parsed; the case fails with the parse error.</summary>
    public const string UnreadableFile = "(the whole file)";

    public static IEnumerable<(string File, string Test)> Enumerate(string folder)
    {
        foreach (var path in SpecificationFolder.Files(folder))
        {
            var name = Path.GetFileName(path);
            IReadOnlyList<BsonDocument> tests;
            try
            {
                tests = SpecificationFile.Load(path).Tests;
            }
            catch (Exception e) when (e is IOException or FormatException)
            {
                tests = [];
            }

            if (tests.Count == 0)
            {
                yield return (name, UnreadableFile);
            }

            foreach (var test in tests)
            {
                yield return (name, test["description"].AsString);
            }
        }
    }

    /// <summary>The Theory's data: one row per test, or one row that skips when the folder is absent.</summary>
    public static TheoryData<string, string> All(SpecificationArea area)
    {
        var data = new TheoryData<string, string>();
        var (folder, missing) = SpecificationFolder.Locate(area);
        if (folder is null)
        {
            data.Add(NoFolder, missing!);
            return data;
        }

        foreach (var (file, test) in Enumerate(folder))
        {
            data.Add(file, test);
        }

        return data;
    }
}
