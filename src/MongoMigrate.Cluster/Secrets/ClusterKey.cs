using System.Security.Cryptography;
using System.Text;

namespace MongoMigrate.Cluster.Secrets;

/// <summary>
/// Seals the job's URIs before they go into the cluster's state (AES-GCM, a key derived from a secret every process of
/// the cluster knows: the password of the cluster's connection string). The state then never holds a password in clear,
/// and a process given another cluster string cannot open a job's URIs.
/// </summary>
public sealed class ClusterKey
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private readonly byte[] _key;

    public ClusterKey(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), 32, salt: Encoding.UTF8.GetBytes("mongomigrate-cluster"), info: Encoding.UTF8.GetBytes("job-uris"));
    }

    public string Seal(string text)
    {
        var plain = Encoding.UTF8.GetBytes(text);
        var sealedBytes = new byte[NonceBytes + TagBytes + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceBytes);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagBytes);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceBytes + TagBytes), sealedBytes.AsSpan(NonceBytes, TagBytes));
        return Convert.ToBase64String(sealedBytes);
    }

    /// <exception cref="CryptographicException">The text was sealed with another key, or changed.</exception>
    public string Open(string sealedText)
    {
        var bytes = Convert.FromBase64String(sealedText);
        if (bytes.Length < NonceBytes + TagBytes)
        {
            throw new CryptographicException("The sealed text is too short.");
        }

        var plain = new byte[bytes.Length - NonceBytes - TagBytes];
        using var aes = new AesGcm(_key, TagBytes);
        aes.Decrypt(bytes.AsSpan(0, NonceBytes), bytes.AsSpan(NonceBytes + TagBytes), bytes.AsSpan(NonceBytes, TagBytes), plain);
        return Encoding.UTF8.GetString(plain);
    }
}
