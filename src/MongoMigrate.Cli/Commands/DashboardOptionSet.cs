using System.CommandLine;
using System.Net;
using MongoMigrate.Cli.Running;
using MongoMigrate.Dashboard.Hosting;
using MongoMigrate.Dashboard.Security;

namespace MongoMigrate.Cli.Commands;

/// <summary>The options that serve a job's dashboard: --dashboard [--port N] [--listen ADDRESS] [--token-file FILE].</summary>
internal sealed class DashboardOptionSet
{
    public Option<bool> Enabled { get; } = new("--dashboard") { Description = "Serve the job's web dashboard and HTTP API while it runs (on 127.0.0.1 unless --listen; its address is printed on stderr)." };

    public Option<int> Port { get; } = new("--port") { Description = "The dashboard's port (0, the default, picks a free one)." };

    public Option<string> Listen { get; } = new("--listen") { Description = "Serve the dashboard on this address instead of loopback (e.g. 0.0.0.0); a token is then required." };

    public Option<string> TokenFile { get; } = new("--token-file") { Description = "File whose first line is the dashboard's token (otherwise one is made up and printed once)." };

    public IEnumerable<Option> All => [Enabled, Port, Listen, TokenFile];

    /// <summary>Adds the options to <paramref name="command"/>; <paramref name="withSwitch"/> false leaves out --dashboard (serve always serves).</summary>
    public void AddTo(Command command, bool withSwitch = true)
    {
        foreach (var option in All.Where(o => withSwitch || o != Enabled))
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Sets the environment's dashboard from the parsed options; refuses the others without --dashboard.</summary>
    public void Use(CliEnvironment environment, ParseResult parse) => environment.Dashboard = Request(parse, workDirectory: null, always: false);

    /// <summary>The dashboard asked for, or null without --dashboard (unless <paramref name="always"/>).</summary>
    public DashboardRequest? Request(ParseResult parse, string? workDirectory, bool always)
    {
        var port = parse.GetValue(Port);
        var listen = parse.GetValue(Listen);
        var tokenFile = CommonOptions.Path(parse.GetValue(TokenFile), "--token-file");
        if (!always && !parse.GetValue(Enabled))
        {
            if (parse.GetResult(Port) is { Implicit: false } || listen is not null || tokenFile is not null)
            {
                throw new UsageException("--port, --listen and --token-file set up the dashboard: add --dashboard.");
            }

            return null;
        }

        if (port is < 0 or > 65535)
        {
            throw new UsageException($"--port {port} is not a TCP port: give 1 to 65535, or 0 to pick a free one.");
        }

        var address = IPAddress.Loopback;
        if (listen is not null && !IPAddress.TryParse(listen, out address!))
        {
            throw new UsageException($"--listen '{listen}' is not an IP address: give one such as 0.0.0.0 or 192.168.1.10.");
        }

        AccessToken? token = null;
        string? generated = null;
        if (tokenFile is not null)
        {
            try
            {
                token = AccessToken.Read(tokenFile);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
            {
                throw new UsageException($"--token-file '{tokenFile}' cannot be used: {e.Message}");
            }
        }
        else if (listen is not null)
        {
            token = AccessToken.Generate();
            generated = token.Value;
        }

        return new DashboardRequest(new DashboardOptions { Port = port, Address = address, Token = token, WorkDirectory = workDirectory }, generated);
    }
}
