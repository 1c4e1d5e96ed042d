using MongoMigrate.Engine.Namespaces;
using MongoMigrate.Engine.Verification;

namespace MongoMigrate.Engine.Online;

/// <summary>
/// The gate of a cutover, asked once every change up to T is applied: is the target equal to the source? Today the
/// documents changed since their copy are compared by _id (<see cref="ChangedDocumentsCheck"/>); a continuous
/// verifier can take its place behind this one method.
/// </summary>
public interface ICutoverCheck
{
    /// <summary>Compares the collections (source, target); a collection in the result that is not equal stops the cutover.</summary>
    Task<IReadOnlyList<VerificationResult>> CheckAsync(IReadOnlyList<(NamespaceName Source, NamespaceName Target)> collections, CancellationToken cancellationToken);
}
