using System.Security.Cryptography;
using System.Text;

namespace MongoMigrate.Dashboard.Security;

/// <summary>The secret a dashboard listening beyond loopback asks for; compared in constant time.</summary>
public sealed class AccessToken
{
    private readonly byte[] _hash;

    private AccessToken(string value)
    {
        if (value.Length < 16)
        {
            throw new ArgumentException("a dashboard token must be at least 16 characters long: put a longer one in the token file.", nameof(value));
        }

        Value = value;
        _hash = SHA256.HashData(Encoding.UTF8.GetBytes(value));
    }

    public string Value { get; }

    /// <summary>A new random token (32 bytes, base64url).</summary>
    public static AccessToken Generate() => new(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_'));

    public static AccessToken Of(string value) => new(value.Trim());

    /// <summary>The token on the first line of <paramref name="path"/>.</summary>
    public static AccessToken Read(string path) => Of(File.ReadLines(path).FirstOrDefault() ?? string.Empty);

    /// <summary>True when <paramref name="candidate"/> is the token; the time taken does not depend on where they differ.</summary>
    public bool Matches(string? candidate) =>
        candidate is not null && CryptographicOperations.FixedTimeEquals(_hash, SHA256.HashData(Encoding.UTF8.GetBytes(candidate)));
}
