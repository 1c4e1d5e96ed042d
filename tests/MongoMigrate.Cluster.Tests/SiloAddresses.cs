using Microsoft.Extensions.DependencyInjection;

namespace MongoMigrate.Cluster.Tests;

/// <summary>A hosted silo's address as the job grain names it.</summary>
internal static class SiloAddresses
{
    public static string GetSiloAddress(this IServiceProvider services) =>
        services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString();
}
