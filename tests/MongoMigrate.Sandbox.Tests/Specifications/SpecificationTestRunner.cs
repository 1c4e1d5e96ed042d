using System.Text;
using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>
/// Executes one test of a unified-format file as the format's "Executing a Test" describes: skip
/// checks, initialData, entities, operations, then (listeners stopped, fail points off) expectEvents
/// and outcome. A failure reports the commands the driver sent and the replies it received.
/// </summary>
public sealed class SpecificationTestRunner(string connectionString, IMongoClient internalClient, ServerUnderTest server, TimeProvider timeProvider)
{
    /// <summary>A test that has not finished by then has hung (a missing reply, a server selection that never succeeds).</summary>
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(20);

    public async Task<SpecificationResult> RunAsync(SpecificationFile file, string description, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        SpecificationResult Result(SpecificationOutcome outcome, string? detail = null) => new(file.Name, description, outcome, detail, timeProvider.GetElapsedTime(started));

        if (file.IncompatibilityReason is { } incompatible)
        {
            return Result(SpecificationOutcome.Failed, incompatible);
        }

        var test = file.Tests.FirstOrDefault(t => t["description"].AsString == description);
        if (test is null)
        {
            return Result(SpecificationOutcome.Failed, file.Tests.Count == 0 ? "The file has no tests." : $"The file has no test named '{description}'.");
        }

        if (test.TryGetValue("skipReason", out var skipReason))
        {
            return Result(SpecificationOutcome.Skipped, $"the file skips it: {skipReason.AsString}");
        }

        try
        {
            var unmet = await RunOnRequirements.UnmetAsync(file.RunOnRequirements, server, cancellationToken)
                ?? await RunOnRequirements.UnmetAsync(test.GetValue("runOnRequirements", new BsonArray()).AsBsonArray, server, cancellationToken)
                ?? SandboxScope.OutOfScope(file, test, server);
            if (unmet is not null)
            {
                return Result(SpecificationOutcome.Skipped, unmet);
            }
        }
        catch (UnsupportedSpecificationFeatureException e)
        {
            return Result(SpecificationOutcome.Failed, e.Message);
        }

        using var timeout = new CancellationTokenSource(TestTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var failure = await ExecuteAsync(file, test, linked.Token);
        if (failure is not null && timeout.IsCancellationRequested)
        {
            failure = $"The test did not finish within {TestTimeout.TotalSeconds:0} s. {failure}";
        }

        return failure is null ? Result(SpecificationOutcome.Passed) : Result(SpecificationOutcome.Failed, failure);
    }

    /// <summary>Null when the test passed, otherwise the failure with the command transcript.</summary>
    private async Task<string?> ExecuteAsync(SpecificationFile file, BsonDocument test, CancellationToken cancellationToken)
    {
        var entities = new EntityMap();
        var factory = new EntityFactory(connectionString, server);
        var testRunner = new TestRunnerOperations(entities, factory, internalClient);
        var data = new CollectionData(internalClient);
        string? failure = null;
        try
        {
            await data.SetUpAsync(file.InitialData, cancellationToken);
            await factory.CreateAsync(file.CreateEntities, entities, cancellationToken);
            var executor = new OperationExecutor(entities, testRunner);
            var operations = test["operations"].AsBsonArray;
            for (var i = 0; i < operations.Count; i++)
            {
                var operation = operations[i].AsBsonDocument;
                await executor.RunAsync(operation, $"operations[{i}] {operation["name"]} on {operation["object"]}", cancellationToken);
            }

            foreach (var client in entities.Clients)
            {
                client.Events.Stop();
            }

            await testRunner.DisableFailPointsAsync(cancellationToken);
            if (test.TryGetValue("expectEvents", out var expectEvents))
            {
                new EventMatcher(entities, new ValueMatcher(entities)).Match(expectEvents.AsBsonArray, "expectEvents");
            }

            if (test.TryGetValue("outcome", out var outcome))
            {
                await data.VerifyAsync(outcome.AsBsonArray, "outcome", cancellationToken);
            }
        }
        catch (Exception e) when (e is SpecificationAssertionException or UnsupportedSpecificationFeatureException)
        {
            failure = e.Message + Transcript(entities);
        }
        catch (Exception e)
        {
            failure = $"{e.GetType().Name}: {e.Message}" + Transcript(entities);
        }
        finally
        {
            try
            {
                await testRunner.DisableFailPointsAsync(CancellationToken.None);
            }
            catch (Exception e) when (e is MongoException or TimeoutException)
            {
                failure ??= $"Could not turn the test's fail points off: {e.Message}";
            }

            await entities.DisposeAsync();
        }

        return failure;
    }

    private static string Transcript(EntityMap entities)
    {
        var text = new StringBuilder();
        foreach (var client in entities.Clients)
        {
            var events = client.Events.Transcript.Where(e => e.CommandName is not ("hello" or "isMaster" or "ismaster")).ToList();
            if (events.Count == 0)
            {
                continue;
            }

            text.AppendLine().Append($"Commands of {client.Id}:");
            foreach (var recorded in events.TakeLast(24))
            {
                text.AppendLine().Append("  ").Append(recorded.Describe());
            }
        }

        return text.ToString();
    }
}
