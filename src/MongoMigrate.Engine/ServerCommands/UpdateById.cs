using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ServerCommands;

/// <summary>One statement of an <see cref="UpdateByIdCommand"/>: the document of an _id, replaced by (or updated with) a body, inserted when absent if <paramref name="Upsert"/>.</summary>
public readonly record struct UpdateById(RawBsonValue Id, RawDocument Body, bool Upsert);
