using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>Writes writeErrors: [{index, code, codeName, errmsg, keyPattern, keyValue}] as the server does (ok stays 1).</summary>
internal static class WriteErrors
{
    public static void Write(BsonBuilder reply, IReadOnlyList<WriteError> errors)
    {
        if (errors.Count == 0)
        {
            return;
        }

        reply.StartArray("writeErrors");
        for (var i = 0; i < errors.Count; i++)
        {
            var error = errors[i];
            reply.StartDocument(BsonBuilder.Index(i))
                .Int32("index", error.Index)
                .Int32("code", error.Code)
                .String("codeName", ServerErrorCode.NameOf(error.Code));
            if (error.KeyPattern is { } pattern)
            {
                reply.Document("keyPattern", pattern);
            }

            if (error.KeyValue is { } value)
            {
                reply.Document("keyValue", value);
            }

            reply.String("errmsg", error.Message).End();
        }

        reply.End();
    }
}
