using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MongoMigrate.Cluster.Workers;
using MongoMigrate.Engine.WorkerPools;

namespace MongoMigrate.Cluster.Hosting;

/// <summary>Makes a silo a mongomigrate worker: its own worker pools, and its part in every job of the cluster.</summary>
public static class SiloBuilderExtensions
{
    public static ISiloBuilder AddMongoMigrateWorker(this ISiloBuilder builder, ClusterWorkerOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(services => new WorkerPoolCoordinator(timeProvider: services.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<ClusterWorker>();
        builder.Services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>>(services => services.GetRequiredService<ClusterWorker>());
        return builder;
    }
}
