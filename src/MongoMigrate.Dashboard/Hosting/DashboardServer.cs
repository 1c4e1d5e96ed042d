using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MongoMigrate.Dashboard.Contracts;
using MongoMigrate.Dashboard.Endpoints;
using MongoMigrate.Dashboard.Events;
using MongoMigrate.Dashboard.Jobs;
using MongoMigrate.Dashboard.Metrics;
using MongoMigrate.Dashboard.Security;
using MongoMigrate.Engine.Connections;
using OpenTelemetry.Metrics;

namespace MongoMigrate.Dashboard.Hosting;

/// <summary>
/// The dashboard of one process: the page, the JSON API, server-sent events, the OpenAPI document and /metrics,
/// on Kestrel. Jobs are added while it runs; it stops when disposed.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ChangePulse _pulse;
    private int _disposed;

    private DashboardServer(WebApplication app, JobRegistry registry, ChangePulse pulse, Uri address, TimeProvider timeProvider)
    {
        _app = app;
        Registry = registry;
        _pulse = pulse;
        Address = address;
        TimeProvider = timeProvider;
    }

    /// <summary>The page's address (http://host:port/).</summary>
    public Uri Address { get; }

    public JobRegistry Registry { get; }

    public TimeProvider TimeProvider { get; }

    /// <summary>Starts serving; the port is bound when this returns.</summary>
    public static async Task<DashboardServer> StartAsync(DashboardOptions options, TimeProvider? timeProvider = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        var time = timeProvider ?? TimeProvider.System;
        var redact = options.Redact is { } extra ? (Func<string, string>)(text => extra(SecretRedactor.Redact(text))) : SecretRedactor.Redact;
        var registry = new JobRegistry(options.WorkDirectory, redact, time);
        var pulse = new ChangePulse(registry, time, options.PulseInterval);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(options.Address, options.Port));
        // Event streams end when the pulse stops; whatever else is still open must not hold the job's process for long.
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(2));
        // Serialized by generated code (no reflection, nothing compiled at run time beside the migration).
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, DashboardJson.Default));
        builder.Services.AddSingleton(registry);
        builder.Services.AddSingleton(pulse);
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton<JobMetrics>();
        builder.Services.AddOpenApi(openApi => openApi.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "mongomigrate dashboard API";
            document.Info.Description = "Watch and steer mongomigrate jobs. Actions are POSTs with the header X-MongoMigrate-Request; refusals are 4xx with {\"error\": \"...\"}.";
            return Task.CompletedTask;
        }));
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(JobMetrics.MeterName, JobMetrics.EngineMeterName)
            .AddPrometheusExporter());

        var app = builder.Build();
        var gate = new AccessGate(options.Token);
        app.Use(gate.InvokeAsync);
        var api = app.MapGroup("/api");
        JobEndpoints.Map(api);
        ActionEndpoints.Map(api);
        EventEndpoints.Map(api);
        app.MapOpenApi("/openapi/v1.json");
        app.MapPrometheusScrapingEndpoint("/metrics");
        LoginEndpoints.Map(app, options.Token, message => EmbeddedAssets.Text("login.html").Replace("{{message}}", WebUtility.HtmlEncode(message), StringComparison.Ordinal));
        app.MapGet("/", () => Asset("index.html")).ExcludeFromDescription();
        app.MapGet("/assets/{name}", (string name) => Asset(name)).ExcludeFromDescription();

        _ = app.Services.GetRequiredService<JobMetrics>();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(bound.Replace("[::]", "localhost", StringComparison.Ordinal)).Port;
        var host = IPAddress.IsLoopback(options.Address) ? "127.0.0.1" : options.Address.Equals(IPAddress.Any) ? Environment.MachineName : options.Address.ToString();
        pulse.Start();
        return new DashboardServer(app, registry, pulse, new Uri($"http://{host}:{port}/"), time);
    }

    /// <summary>Serves a job running in this process until the server stops.</summary>
    public LiveJob Add(Engine.Jobs.IRunningJob job, Task run, CancellationTokenSource stop, LiveJobInfo info)
    {
        var live = new LiveJob(job, run, stop, info, TimeProvider, Registry.Redact);
        Registry.Add(live);
        _ = live.Finished.ContinueWith(_ => _pulse.Notify(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        _pulse.Notify();
        return live;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _pulse.DisposeAsync().ConfigureAwait(false);
        await _app.StopAsync(CancellationToken.None).ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);

        // A request cut off by the shutdown limit may still be reading: the job's folder is free only once it is done.
        await Registry.CloseStatesAsync().ConfigureAwait(false);
    }

    private static IResult Asset(string name) =>
        EmbeddedAssets.Find(name) is { } asset ? Results.Bytes(asset.Content, asset.ContentType) : Results.NotFound();
}
