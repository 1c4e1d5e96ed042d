using MongoMigrate.Sandbox;

namespace MongoMigrate.Cli.Tests;

/// <summary>
/// What most command tests set up alike: a source and a target sandbox in this process and a scratch folder, made
/// before each test and gone after it. A test class fills the source (or the target) in <see cref="PrepareAsync"/>.
/// </summary>
public abstract class CommandTestBase(string folderPrefix) : IAsyncLifetime
{
    protected SandboxServer Source { get; private set; } = null!;

    protected SandboxServer Target { get; private set; } = null!;

    /// <summary>The test's own scratch folder: work folders, dumps, reports.</summary>
    protected string Folder { get; private set; } = null!;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        Source = await SandboxServer.StartAsync(cancellationToken: Ct);
        Target = await SandboxServer.StartAsync(cancellationToken: Ct);
        Folder = Directory.CreateTempSubdirectory(folderPrefix).FullName;
        await PrepareAsync(Ct);
    }

    public async ValueTask DisposeAsync()
    {
        await Source.DisposeAsync();
        await Target.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Runs once both servers and the folder exist; nothing by default.</summary>
    protected virtual Task PrepareAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
