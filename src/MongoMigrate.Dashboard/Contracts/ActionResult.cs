namespace MongoMigrate.Dashboard.Contracts;

/// <summary>What an action did, in a sentence, and the worker settings after it.</summary>
public sealed record ActionResult(string Message, WorkerSettings Workers);
