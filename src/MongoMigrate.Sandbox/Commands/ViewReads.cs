using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Storage;

namespace MongoMigrate.Sandbox.Commands;

/// <summary>Reads through a view: the view's pipeline run over the collection it is defined on.</summary>
internal static class ViewReads
{
    /// <summary>The documents a view shows, or null when <paramref name="ns"/> is not a view.</summary>
    public static List<RawDocument>? Documents(ServerContext server, Namespace ns, IReadOnlyList<RawDocument>? extraStages = null)
    {
        if (server.Catalog.ResolveView(ns) is not { } view)
        {
            return null;
        }

        var input = server.Catalog.Read(view.Source, store => store is null ? [] : store.Range(null, null, descending: false).Select(s => s.Document).ToList());
        return PipelineRunner.Run([.. view.Pipeline, .. extraStages ?? []], input, PipelineRunner.OptionsFor(server, ns.Database));
    }
}
