using System.Text.RegularExpressions;

namespace MongoMigrate.Engine.Connections;

/// <summary>Removes passwords from connection strings and from any text that may contain one (error messages, logs).</summary>
public static class SecretRedactor
{
    public const string Mask = "****";

    // scheme://user:password@ with any scheme (mongodbx:// is a typo of a URI that still carries a password). The user
    // name may hold spaces but no ':', '/' or '@'; the password runs to the next '@' on the line, without '/'.
    private static readonly Regex UriCredentials = new(
        @"(?<scheme>\b[a-z][a-z0-9+.\-]*://)(?<user>[^:/@\r\n]*):(?<password>[^@/\r\n]*)@",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);

    // Options that carry secrets inside the query string (AWS session tokens, x509 key passwords).
    private static readonly Regex SecretParameters = new(
        @"(?<key>authMechanismProperties|tlsCertificateKeyFilePassword|sslPEMKeyPassword)=[^&\s]*",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);

    /// <summary>
    /// Replaces the password of every URI in <paramref name="text"/> (any scheme, mongodb:// or a mistyped one) with ****.
    /// User names and passwords may hold spaces, as users type them; a password ends at the '@' before the host.
    /// </summary>
    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? string.Empty;
        }

        var redacted = UriCredentials.Replace(text, m => m.Groups["scheme"].Value + m.Groups["user"].Value + ":" + Mask + "@");
        return SecretParameters.Replace(redacted, m => m.Groups["key"].Value + "=" + Mask);
    }

    /// <summary>
    /// Redacts a text known to be one URI as given by a user, scheme or not (alice:pw@host): everything between
    /// the user name and the last '@' is the password, whatever characters it holds.
    /// </summary>
    public static string RedactUri(string? uri)
    {
        if (string.IsNullOrEmpty(uri))
        {
            return uri ?? string.Empty;
        }

        if (FindPassword(uri) is not { } password)
        {
            return Redact(uri);
        }

        return Redact(uri[..password.Start] + Mask + uri[password.End..]);
    }

    /// <summary>The password of a URI as given by a user (with or without a scheme), or null when it has none.</summary>
    public static string? PasswordOf(string? uri) =>
        uri is not null && FindPassword(uri) is { } password && password.End > password.Start ? uri[password.Start..password.End] : null;

    /// <summary>Where the password of a one-URI text is: after the first ':' of the user information, up to its last '@'.</summary>
    private static (int Start, int End)? FindPassword(string uri)
    {
        var scheme = uri.IndexOf("://", StringComparison.Ordinal);
        var start = scheme < 0 ? 0 : scheme + 3;
        var at = uri.LastIndexOf('@');
        if (at <= start)
        {
            return null;
        }

        var colon = uri.IndexOf(':', start, at - start);
        return colon < 0 ? null : (colon + 1, at);
    }
}
