namespace MongoMigrate.Engine.Online;

/// <summary>Where an online job stands; the text of each is what the display, `jobs` and the state show.</summary>
public static class OnlinePhase
{
    /// <summary>Collections are copied while their changes are captured and held back.</summary>
    public const string Copying = "copying";

    /// <summary>Every copy is done; the changes made meanwhile are being applied.</summary>
    public const string CatchingUp = "catching up";

    /// <summary>The target follows the source within the lag shown, until a cutover is asked for.</summary>
    public const string Following = "following";

    /// <summary>A cutover is under way: every change up to its cluster time is applied, changed documents rechecked.</summary>
    public const string CuttingOver = "cutting over";

    /// <summary>The target equals the source as of the cutover's cluster time; following has stopped.</summary>
    public const string CutOver = "cut over";
}
