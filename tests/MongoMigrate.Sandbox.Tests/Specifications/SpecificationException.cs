namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>A test's expectation was not met: a result, error, event or outcome differed from the file.</summary>
public sealed class SpecificationAssertionException(string message) : Exception(message);

/// <summary>The test file asks for something this runner does not implement (an operation, argument or entity type).</summary>
public sealed class UnsupportedSpecificationFeatureException(string message) : Exception(message);

/// <summary>The test does not apply to the server under test; the message names the reason.</summary>
public sealed class SpecificationSkipException(string reason) : Exception(reason);
