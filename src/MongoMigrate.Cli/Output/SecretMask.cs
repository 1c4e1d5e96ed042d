using MongoMigrate.Engine.Connections;

namespace MongoMigrate.Cli.Output;

/// <summary>
/// The passwords this run was given (in URIs on the command line or in the environment, in any position and in any
/// form, mistyped schemes and options included), masked wherever the run prints or logs text. The engine's own
/// redaction recognises URIs; this also catches a password quoted back without its URI around it.
/// </summary>
internal sealed class SecretMask
{
    // A cluster's connection string (key=value pairs): its Password (or Pwd) value.
    private static readonly System.Text.RegularExpressions.Regex ConnectionStringPassword =
        new(@"(?:^|;)\s*(?:password|pwd)\s*=\s*([^;]*)", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    // Shorter passwords would mask ordinary words and numbers everywhere; URIs that hold them are still redacted.
    private const int ShortestMaskedSecret = 4;

    private readonly string[] _secrets;

    private SecretMask(string[] secrets)
    {
        _secrets = secrets;
    }

    public static SecretMask None { get; } = new([]);

    /// <summary>Collects the password of every value that holds user:password@, with and without its %-escapes decoded.</summary>
    public static SecretMask From(IEnumerable<string?> values)
    {
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            foreach (System.Text.RegularExpressions.Match match in ConnectionStringPassword.Matches(value ?? string.Empty))
            {
                secrets.Add(match.Groups[1].Value.Trim());
            }

            if (SecretRedactor.PasswordOf(value) is not { } password)
            {
                continue;
            }

            secrets.Add(password);
            secrets.Add(Uri.UnescapeDataString(password));
        }

        return new SecretMask([.. secrets.Where(s => s.Length >= ShortestMaskedSecret).OrderByDescending(s => s.Length)]);
    }

    /// <summary>The text with every URI's password and every known password replaced by ****.</summary>
    public string Apply(string? text)
    {
        var masked = SecretRedactor.Redact(text);
        foreach (var secret in _secrets)
        {
            masked = masked.Replace(secret, SecretRedactor.Mask, StringComparison.Ordinal);
        }

        return masked;
    }

    /// <summary>A writer that masks every string written through it.</summary>
    public TextWriter Wrap(TextWriter inner) => new MaskingWriter(inner, this);

    private sealed class MaskingWriter(TextWriter inner, SecretMask mask) : TextWriter(inner.FormatProvider)
    {
        public override System.Text.Encoding Encoding => inner.Encoding;

        public override void Write(char value) => inner.Write(value);

        public override void Write(string? value) => inner.Write(mask.Apply(value));

        public override void Write(char[] buffer, int index, int count) => Write(new string(buffer, index, count));

        public override void WriteLine(string? value) => inner.WriteLine(mask.Apply(value));

        public override void WriteLine() => inner.WriteLine();

        public override Task WriteAsync(char value) => inner.WriteAsync(value);

        public override Task WriteAsync(string? value) => inner.WriteAsync(mask.Apply(value));

        public override Task WriteLineAsync(string? value) => inner.WriteLineAsync(mask.Apply(value));

        public override Task WriteLineAsync() => inner.WriteLineAsync();

        public override void Flush() => inner.Flush();

        public override Task FlushAsync() => inner.FlushAsync();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
    }
}
