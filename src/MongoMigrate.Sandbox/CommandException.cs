namespace MongoMigrate.Sandbox;

/// <summary>A command failed the way a MongoDB server fails it: a code, its name and a message.</summary>
public class CommandException : Exception
{
    public CommandException(int code, string message)
        : base(message)
    {
        Code = code;
    }

    public CommandException()
        : this(ServerErrorCode.InternalError, "command failed")
    {
    }

    public CommandException(string message)
        : this(ServerErrorCode.BadValue, message)
    {
    }

    public CommandException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = ServerErrorCode.InternalError;
    }

    public int Code { get; }

    public string CodeName => ServerErrorCode.NameOf(Code);

    /// <summary>Error labels such as RetryableWriteError or ResumableChangeStreamError.</summary>
    public IReadOnlyList<string> Labels { get; init; } = [];

    /// <summary>Fields the error reply carries besides ok, errmsg, code and codeName (e.g. collMod's violations), or null.</summary>
    public MongoMigrate.Bson.RawDocument? Details { get; init; }
}
