using MongoDB.Bson;
using MongoDB.Driver;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>
/// The named objects of one test: clients, databases, collections, sessions, cursors and saved results.
/// Names are unique and every lookup checks the entity's type, as the format requires.
/// </summary>
public sealed class EntityMap : IAsyncDisposable
{
    private readonly Dictionary<string, object> _entities = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];

    public void Add(string id, object entity)
    {
        if (!_entities.TryAdd(id, entity))
        {
            throw new InvalidOperationException($"The entity map already holds an entity named '{id}'.");
        }

        _order.Add(id);
    }

    public bool Contains(string id) => _entities.ContainsKey(id);

    public T Get<T>(string id)
        where T : class
    {
        if (!_entities.TryGetValue(id, out var entity))
        {
            throw new InvalidOperationException($"The entity map has no entity named '{id}'.");
        }

        return entity as T ?? throw new InvalidOperationException($"Entity '{id}' is a {Describe(entity)}, not a {typeof(T).Name}.");
    }

    public object Get(string id) =>
        _entities.TryGetValue(id, out var entity) ? entity : throw new InvalidOperationException($"The entity map has no entity named '{id}'.");

    public ClientEntity Client(string id) => Get<ClientEntity>(id);

    public IMongoDatabase Database(string id) => Get<IMongoDatabase>(id);

    public IMongoCollection<BsonDocument> Collection(string id) => Get<IMongoCollection<BsonDocument>>(id);

    public IClientSessionHandle Session(string id) => Get<IClientSessionHandle>(id);

    public IEnumerable<ClientEntity> Clients => _entities.Values.OfType<ClientEntity>();

    /// <summary>A saved BSON value (saveResultAsEntity), for $$matchesEntity.</summary>
    public BsonValue Value(string id) => Get(id) switch
    {
        BsonValue value => value,
        var other => throw new InvalidOperationException($"Entity '{id}' is a {Describe(other)}, not a BSON value."),
    };

    /// <summary>Ends sessions, closes cursors, then closes clients: the reverse of creation order.</summary>
    public async ValueTask DisposeAsync()
    {
        for (var i = _order.Count - 1; i >= 0; i--)
        {
            switch (_entities[_order[i]])
            {
                case IClientSessionHandle session:
                    session.Dispose();
                    break;
                case CursorEntity cursor:
                    cursor.Dispose();
                    break;
                case ClientEntity client:
                    await client.DisposeAsync();
                    break;
            }
        }

        _entities.Clear();
        _order.Clear();
    }

    private static string Describe(object entity) => entity switch
    {
        ClientEntity => "client",
        IMongoDatabase => "database",
        IMongoCollection<BsonDocument> => "collection",
        IClientSessionHandle => "session",
        CursorEntity => "cursor",
        BsonValue => "BSON value",
        _ => entity.GetType().Name,
    };
}
