namespace MongoMigrate.Sandbox.Protocol;

/// <summary>Wire protocol operation codes.</summary>
public enum OpCode
{
    Reply = 1,
    Update = 2001,
    Insert = 2002,
    Query = 2004,
    GetMore = 2005,
    Delete = 2006,
    KillCursors = 2007,
    Compressed = 2012,
    Msg = 2013,
}
