using System.Diagnostics;
using MongoMigrate.Testing;

namespace MongoMigrate.Sandbox.Tests;

/// <summary>
/// mongosh 2.12 (npm package mongosh; .ci/run installs it into .tools/mongosh) driven through an everyday session:
/// use, inserts, show dbs, finds, updates, deletes, bulkWrite, rs.status(), db.stats(), db.coll.stats(), explain(),
/// watch() and rs.printReplicationInfo(), with the answers a 7.0 replica set gives.
/// </summary>
public class MongoshSessionTests(MongoServerFixture server) : IClassFixture<MongoServerFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_everyday_mongosh_session_gets_the_answers_a_replica_set_gives()
    {
        var mongosh = FindMongosh() ?? throw SkipNotInstalled();
        var database = server.NewDatabaseName("shell");
        string[] script =
        [
            $"use {database}",
            "db.people.insertMany([{_id: 1, name: 'ada'}, {_id: 2, name: 'bob'}, {_id: 3, name: 'cy'}])",
            "show dbs",
            "print('@@count=' + db.people.countDocuments())",
            "print('@@found=' + db.people.findOne({name: 'ada'})._id)",
            "print('@@updated=' + db.people.updateOne({_id: 2}, {$set: {x: 1}}).modifiedCount)",
            "print('@@deleted=' + db.people.deleteOne({_id: 3}).deletedCount)",
            "const bulk = db.people.bulkWrite([{insertOne: {document: {_id: 9}}}, {updateOne: {filter: {_id: 9}, update: {$set: {y: 1}}}}, {deleteOne: {filter: {_id: 9}}}])",
            "print('@@bulk=' + [bulk.insertedCount, bulk.matchedCount, bulk.modifiedCount, bulk.deletedCount].join(','))",
            "print('@@state=' + rs.status().members.filter(m => m.self)[0].stateStr)",
            "print('@@dbcollections=' + db.stats().collections)",
            "print('@@collcount=' + db.people.stats().count)",
            "print('@@plan=' + db.people.find({name: 'ada'}).explain().queryPlanner.namespace)",
            "const stream = db.people.watch(); db.people.insertOne({_id: 5}); let seen = null; for (let i = 0; i < 50 && !seen; i++) { seen = stream.tryNext(); } print('@@watched=' + seen.operationType + ':' + seen.documentKey._id); stream.close()",
            "rs.printReplicationInfo()",
        ];

        var output = await RunAsync(mongosh, script);

        Assert.Contains(database, output, StringComparison.Ordinal);
        Assert.Equal("3", Marker(output, "count"));
        Assert.Equal("1", Marker(output, "found"));
        Assert.Equal("1", Marker(output, "updated"));
        Assert.Equal("1", Marker(output, "deleted"));
        Assert.Equal("1,1,1,1", Marker(output, "bulk"));
        Assert.Equal("PRIMARY", Marker(output, "state"));
        Assert.Equal("1", Marker(output, "dbcollections"));
        Assert.Equal("2", Marker(output, "collcount"));
        Assert.Equal($"{database}.people", Marker(output, "plan"));
        Assert.Equal("insert:5", Marker(output, "watched"));
        Assert.Contains("configured oplog size", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Uncaught", output, StringComparison.Ordinal);
    }

    private async Task<string> RunAsync(string mongosh, string[] script)
    {
        var start = new ProcessStartInfo(mongosh)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { server.ConnectionString, "--quiet", "--norc" })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["MONGOSH_NO_TELEMETRY"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{mongosh} did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(Ct);
        var stderr = process.StandardError.ReadToEndAsync(Ct);
        foreach (var line in script)
        {
            await process.StandardInput.WriteLineAsync(line.AsMemory(), Ct);
        }

        process.StandardInput.Close();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        var output = await stdout + await stderr;
        TestContext.Current.TestOutputHelper?.WriteLine(output);
        return output;
    }

    private static string? Marker(string output, string name)
    {
        // Lines read from standard input are echoed after mongosh's prompt: the marker may follow it.
        var prefix = $"@@{name}=";
        var line = output.Split('\n').FirstOrDefault(l => l.Contains(prefix, StringComparison.Ordinal));
        return line?[(line.IndexOf(prefix, StringComparison.Ordinal) + prefix.Length)..].Trim();
    }

    /// <summary>mongosh from MONGOSH, the repository's .tools/mongosh (where .ci/run installs it), or the PATH.</summary>
    private static string? FindMongosh()
    {
        if (Environment.GetEnvironmentVariable("MONGOSH") is { Length: > 0 } configured && File.Exists(configured))
        {
            return configured;
        }

        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var local = Path.Combine(directory.FullName, ".tools", "mongosh", "node_modules", ".bin", "mongosh");
            if (File.Exists(local))
            {
                return local;
            }
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator)
            .Select(p => Path.Combine(p, "mongosh"))
            .FirstOrDefault(File.Exists);
    }

    private static Exception SkipNotInstalled()
    {
        Assert.Skip("mongosh is not installed: .ci/run installs it with `npm install --prefix .tools/mongosh mongosh@2.12.0`, or set MONGOSH to its path.");
        return new InvalidOperationException("unreachable");
    }
}
