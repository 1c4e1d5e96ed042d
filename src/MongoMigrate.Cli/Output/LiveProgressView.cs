using MongoMigrate.Engine.Jobs;
using MongoMigrate.Engine.Online;
using MongoMigrate.Engine.Progress;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace MongoMigrate.Cli.Output;

/// <summary>The interactive display: a table per collection, the pools, throughput, ETA and the keys that steer the job.</summary>
internal static class LiveProgressView
{
    public static async Task RunAsync(IAnsiConsole console, IRunningJob job, Task run, Func<string?> lastAction, TimeProvider timeProvider, ProgressStall stall, CancellationToken cancellationToken)
    {
        await console.Live(Render(job, lastAction(), stall))
            .AutoClear(false)
            .Overflow(VerticalOverflow.Ellipsis)
            .StartAsync(async context =>
            {
                using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250), timeProvider);
                while (!run.IsCompleted)
                {
                    context.UpdateTarget(Render(job, lastAction(), stall));
                    context.Refresh();
                    var tick = timer.WaitForNextTickAsync(cancellationToken).AsTask();
                    await Task.WhenAny(run, tick).ConfigureAwait(false);
                }

                context.UpdateTarget(Render(job, lastAction(), stall));
                context.Refresh();
            }).ConfigureAwait(false);
    }

    private static IRenderable Render(IRunningJob job, string? lastAction, ProgressStall stall)
    {
        var snapshot = job.Progress.Snapshot();
        var online = job is IOnlineJob { IsOnline: true } onlineJob ? onlineJob : null;
        var waiting = stall.Observe(snapshot);
        var pools = job.Pools;
        var table = new Table().Border(TableBorder.Rounded).Expand();
        table.AddColumn("Collection");
        table.AddColumn("Phase");
        table.AddColumn(new TableColumn("Chunks d/r/t").RightAligned());
        table.AddColumn(new TableColumn("Documents").RightAligned());
        table.AddColumn(new TableColumn("Size").RightAligned());
        table.AddColumn(new TableColumn("Done").RightAligned());
        foreach (var collection in snapshot.Collections.OrderByDescending(c => c.EstimatedBytes).Take(20))
        {
            var phase = collection.Phase switch
            {
                CollectionPhase.Done => "[green]done[/]",
                CollectionPhase.Failed => "[red]failed[/]",
                CollectionPhase.Copying => "[yellow]copying[/]",
                var other => other.ToString().ToLowerInvariant(),
            };
            var name = collection.Source == collection.Target ? collection.Source : $"{collection.Source} → {collection.Target}";
            table.AddRow(
                Markup.Escape(name),
                phase,
                ProgressText.Chunks(collection),
                collection.EstimatedDocuments > 0 ? $"{ProgressText.Number(collection.Documents)} / {ProgressText.Number(collection.EstimatedDocuments)}" : ProgressText.Number(collection.Documents),
                SizeParser.Format(collection.Bytes),
                ProgressText.Percent(ProgressText.CollectionPercent(collection)));
        }

        if (snapshot.Collections.Count > 20)
        {
            table.AddRow($"[grey]... and {snapshot.Collections.Count - 20} more[/]", string.Empty, string.Empty, string.Empty, string.Empty, string.Empty);
        }

        var header = new Markup(
            $"[bold]Job[/] {Markup.Escape(job.JobId)}   [bold]{Markup.Escape(snapshot.Phase)}[/]   {ProgressText.Percent(snapshot.Percent)}   "
            + $"{SizeParser.FormatDuration(snapshot.Elapsed)} elapsed, ETA {SizeParser.FormatDuration(snapshot.Eta)}\n"
            + $"{ProgressText.Number(snapshot.Documents)} documents, {SizeParser.Format(snapshot.Bytes)}   [bold]{Markup.Escape(ProgressText.Rate(snapshot))}[/]"
            + (waiting is null ? string.Empty : $"   [yellow]{Markup.Escape(waiting)}[/]") + "\n"
            + $"[bold]dump workers[/] {Markup.Escape(ProgressText.Pool(pools?.Dump))}   [bold]restore workers[/] {Markup.Escape(ProgressText.Pool(pools?.Restore))}"
            + (online is not null && ProgressText.Online(online.Following, online.Rechecks) is { } following ? $"\n[bold]following[/] {Markup.Escape(following)}" : string.Empty));
        var keys = new Markup("[grey]keys: [bold]+[/]/[bold]-[/] dump workers   [bold]>[/]/[bold]<[/] restore workers   [bold]p[/] pause/resume   [bold]a[/] adaptive on/off   "
            + (online is null ? string.Empty : "[bold]c[/] cut over   ")
            + "[bold]q[/] or Ctrl+C stop (resumable)[/]"
            + (lastAction is null ? string.Empty : $"\n[aqua]{Markup.Escape(lastAction)}[/]"));
        var bar = new BreakdownChart().Width(60).HideTags()
            .AddItem("done", Math.Max(0.01, snapshot.Percent), Color.Green)
            .AddItem("left", Math.Max(0.01, 100 - snapshot.Percent), Color.Grey23);
        return new Rows(header, bar, table, keys);
    }
}
