using System.Globalization;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.Core.Events;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>A client entity: a MongoClient built from the suite's connection string plus uriOptions, and its event recorder.</summary>
public sealed class ClientEntity : IAsyncDisposable
{
    private static readonly HashSet<string> CommandEventKinds =
        [RecordedCommandEvent.Started, RecordedCommandEvent.Succeeded, RecordedCommandEvent.Failed];

    private ClientEntity(string id, IMongoClient client, CommandEventRecorder events)
    {
        Id = id;
        Client = client;
        Events = events;
    }

    public string Id { get; }

    public IMongoClient Client { get; }

    public CommandEventRecorder Events { get; }

    /// <summary>Builds the client described by a createEntities 'client' object.</summary>
    public static ClientEntity Create(BsonDocument spec, string connectionString, ServerUnderTest server)
    {
        var id = spec["id"].AsString;
        var observe = new List<string>();
        var ignore = new List<string>();
        var observeSensitive = false;
        var uriOptions = new BsonDocument();
        var singleMongos = false;
        ServerApi? serverApi = null;
        foreach (var element in spec)
        {
            switch (element.Name)
            {
                case "id":
                    break;
                case "uriOptions":
                    uriOptions = element.Value.AsBsonDocument;
                    break;
                case "useMultipleMongoses":
                    singleMongos = !element.Value.AsBoolean && server.Topology == "sharded";
                    break;
                case "observeEvents":
                    foreach (var kind in element.Value.AsBsonArray.Select(v => v.AsString))
                    {
                        if (!CommandEventKinds.Contains(kind))
                        {
                            throw new UnsupportedSpecificationFeatureException($"observeEvents '{kind}': this runner observes command monitoring events only.");
                        }

                        observe.Add(kind);
                    }

                    break;
                case "ignoreCommandMonitoringEvents":
                    ignore.AddRange(element.Value.AsBsonArray.Select(v => v.AsString));
                    break;
                case "observeSensitiveCommands":
                    observeSensitive = element.Value.AsBoolean;
                    break;
                case "serverApi":
                    serverApi = ParseServerApi(element.Value.AsBsonDocument);
                    break;
                case "autoEncryptOpts":
                    throw new UnsupportedSpecificationFeatureException("client-side field level encryption (autoEncryptOpts) is not supported by this runner.");
                default:
                    throw new UnsupportedSpecificationFeatureException($"client entity option '{element.Name}' is not supported by this runner.");
            }
        }

        var settings = MongoClientSettings.FromConnectionString(WithUriOptions(connectionString, uriOptions));
        if (singleMongos && settings.Servers.Count() > 1)
        {
            settings.Servers = [settings.Servers.First()];
        }

        if (serverApi is not null)
        {
            settings.ServerApi = serverApi;
        }

        var recorder = new CommandEventRecorder(observe, ignore, observeSensitive);
        settings.ClusterConfigurator = builder => builder
            .Subscribe<CommandStartedEvent>(recorder.OnStarted)
            .Subscribe<CommandSucceededEvent>(recorder.OnSucceeded)
            .Subscribe<CommandFailedEvent>(recorder.OnFailed);
        return new ClientEntity(id, new MongoClient(settings), recorder);
    }

    public ValueTask DisposeAsync()
    {
        Client.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Adds the entity's uriOptions to the suite's connection string; later keys override earlier ones.</summary>
    private static string WithUriOptions(string connectionString, BsonDocument uriOptions)
    {
        if (uriOptions.ElementCount == 0)
        {
            return connectionString;
        }

        var pairs = new List<string>();
        foreach (var option in uriOptions)
        {
            if (option.Value is BsonDocument { ElementCount: 1 } placeholder && placeholder.Names.First() == "$$placeholder")
            {
                throw new UnsupportedSpecificationFeatureException($"uriOptions.{option.Name} is a $$placeholder, which needs environment-specific values this runner does not have.");
            }

            var values = option.Value is BsonArray array ? array.Select(v => v.AsString) : [UriValue(option.Value)];
            pairs.AddRange(values.Select(v => $"{Uri.EscapeDataString(option.Name)}={Uri.EscapeDataString(v)}"));
        }

        var url = connectionString;
        var separator = url.Contains('?', StringComparison.Ordinal) ? "&" : url.IndexOf('/', url.IndexOf("://", StringComparison.Ordinal) + 3) >= 0 ? "?" : "/?";
        return url + separator + string.Join("&", pairs);
    }

    private static string UriValue(BsonValue value) => value switch
    {
        BsonBoolean b => b.Value ? "true" : "false",
        BsonString s => s.Value,
        BsonDocument d => string.Join(",", d.Select(e => $"{e.Name}:{UriValue(e.Value)}")),
        _ => Convert.ToString(BsonTypeMapper.MapToDotNetValue(value), CultureInfo.InvariantCulture) ?? string.Empty,
    };

    private static ServerApi ParseServerApi(BsonDocument spec)
    {
        var version = spec["version"].AsString == "1" ? ServerApiVersion.V1
            : throw new UnsupportedSpecificationFeatureException($"serverApi version {spec["version"]} is not supported by the driver.");
        return new ServerApi(
            version,
            spec.TryGetValue("strict", out var strict) ? strict.AsBoolean : null,
            spec.TryGetValue("deprecationErrors", out var deprecation) ? deprecation.AsBoolean : null);
    }
}
