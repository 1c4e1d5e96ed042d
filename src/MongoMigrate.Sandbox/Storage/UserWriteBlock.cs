namespace MongoMigrate.Sandbox.Storage;

/// <summary>
/// setUserWriteBlockMode: while on, every user write and DDL change outside the internal databases
/// (admin, config, local) fails with UserWritesBlocked (371, "User writes blocked"), as mongod 7.0's
/// GlobalUserWriteBlockState checks it. The sandbox has no users, so no client holds the
/// bypassWriteBlockingMode privilege: the block applies to every connection.
/// </summary>
internal sealed class UserWriteBlock
{
    private volatile bool _enabled;

    public bool Enabled
    {
        get => _enabled;
        set => _enabled = value;
    }

    /// <summary>Throws UserWritesBlocked when blocking is on and <paramref name="ns"/> is a user namespace.</summary>
    public void Check(Namespace ns)
    {
        if (_enabled && ns.Database is not ("admin" or "config" or "local") && ns.Collection != "system.profile")
        {
            throw new CommandException(ServerErrorCode.UserWritesBlocked, "User writes blocked");
        }
    }
}
