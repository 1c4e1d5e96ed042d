using MongoMigrate.Dashboard.Hosting;

namespace MongoMigrate.Cli.Running;

/// <summary>A command's --dashboard: where to serve it, and the token to print once when it was made up here.</summary>
internal sealed record DashboardRequest(DashboardOptions Options, string? GeneratedToken);
