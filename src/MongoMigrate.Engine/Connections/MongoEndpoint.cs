using MongoDB.Driver;

namespace MongoMigrate.Engine.Connections;

/// <summary>
/// One side of a migration: a parsed MongoDB URI and the clients made from it. The URI itself is kept
/// only in memory; <see cref="Display"/> is the form that may be printed, logged or stored.
/// </summary>
public sealed class MongoEndpoint
{
    private const string FormHint = "Use the form mongodb://host[:port][/?options], with user:password@ before the host when the server needs credentials.";

    private readonly MongoUrl _url;

    private MongoEndpoint(string role, MongoUrl url, string connectionString)
    {
        Role = role;
        _url = url;
        ConnectionString = connectionString;
        Display = SecretRedactor.RedactUri(connectionString);
    }

    /// <summary>"source" or "target", used in error messages.</summary>
    public string Role { get; }

    /// <summary>The full URI, secrets included: never print or store it.</summary>
    public string ConnectionString { get; }

    /// <summary>The URI with its password replaced by ****.</summary>
    public string Display { get; }

    /// <summary>Parses a URI; a malformed one gives a one-line error that names the side and what to fix.</summary>
    public static MongoEndpoint Parse(string role, string? connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new MigrationException($"The {role} URI is missing: give --{role} mongodb://host:port.");
        }

        var shown = SecretRedactor.RedactUri(connectionString);
        var password = SecretRedactor.PasswordOf(connectionString);
        if (!connectionString.StartsWith("mongodb://", StringComparison.OrdinalIgnoreCase) && !connectionString.StartsWith("mongodb+srv://", StringComparison.OrdinalIgnoreCase))
        {
            throw new MigrationException($"The {role} URI '{shown}' is not valid: it does not start with mongodb:// or mongodb+srv://. {FormHint}");
        }

        try
        {
            var url = MongoUrl.Create(connectionString);
            return new MongoEndpoint(role, url, connectionString);
        }
        catch (Exception e) when (e is MongoConfigurationException or ArgumentException or FormatException)
        {
            // The driver may quote the URI, or a part of it, in its message.
            var reason = e.Message.Replace(connectionString, shown, StringComparison.Ordinal);
            if (password is not null)
            {
                reason = reason.Replace(password, SecretRedactor.Mask, StringComparison.Ordinal);
            }

            throw new MigrationException($"The {role} URI '{shown}' is not valid: {SecretRedactor.Redact(reason)} {FormHint}", e);
        }
    }

    /// <summary>Driver settings tuned for migration: bounded timeouts, no id generation, our app name.</summary>
    public MongoClientSettings CreateSettings(TimeSpan connectTimeout)
    {
        var settings = MongoClientSettings.FromUrl(_url);
        settings.ApplicationName ??= "mongomigrate";
        settings.ConnectTimeout = connectTimeout;
        settings.ServerSelectionTimeout = connectTimeout;
        settings.MaxConnectionPoolSize = Math.Max(settings.MaxConnectionPoolSize, 200);
        return settings;
    }

    public override string ToString() => Display;
}
