using System.Text.RegularExpressions;

namespace MongoMigrate.Engine.Connections;

/// <summary>Removes passwords from connection strings and from any text that may contain one (error messages, logs).</summary>
public static class SecretRedactor
{
    public const string Mask = "****";

    private static readonly Regex UriCredentials = new(
        @"(?<scheme>mongodb(\+srv)?://)(?<user>[^:/@\s]*):(?<password>[^@\s]*)@",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);

    // Options that carry secrets inside the query string (AWS session tokens, x509 key passwords).
    private static readonly Regex SecretParameters = new(
        @"(?<key>authMechanismProperties|tlsCertificateKeyFilePassword|sslPEMKeyPassword)=[^&\s]*",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);

    /// <summary>Replaces the password of every mongodb:// or mongodb+srv:// URI in <paramref name="text"/> with ****.</summary>
    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        var redacted = UriCredentials.Replace(text, m => m.Groups["scheme"].Value + m.Groups["user"].Value + ":" + Mask + "@");
        return SecretParameters.Replace(redacted, m => m.Groups["key"].Value + "=" + Mask);
    }
}
