namespace MongoMigrate.Engine;

/// <summary>Error messages as the engine shows them: one line each, whatever the exception carried after it.</summary>
public static class ErrorText
{
    /// <summary>The text up to its first line break, trailing spaces left out.</summary>
    public static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return (end < 0 ? text : text[..end]).TrimEnd();
    }
}
