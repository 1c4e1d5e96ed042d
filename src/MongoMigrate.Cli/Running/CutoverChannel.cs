using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace MongoMigrate.Cli.Running;

/// <summary>
/// Where a running `migrate --online` listens for cutover requests: a Unix domain socket in the job's folder (in the
/// temporary folder, named after the job's folder, when that path is too long for a socket). The request is one JSON
/// line; the answer, one JSON line on the same connection, comes when the cutover is done or refused.
/// </summary>
internal static class CutoverChannel
{
    // sun_path holds 108 bytes on Linux and 104 on macOS, the terminating zero included.
    private const int MaxSocketPath = 100;

    public static string EndpointOf(string jobDirectory)
    {
        var inFolder = Path.Combine(Path.GetFullPath(jobDirectory), "cutover.sock");
        if (Encoding.UTF8.GetByteCount(inFolder) <= MaxSocketPath)
        {
            return inFolder;
        }

        var hash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(jobDirectory))))[..16].ToLowerInvariant();
        return Path.Combine(Path.GetTempPath(), $"mongomigrate-{hash}.sock");
    }

    public static Socket NewSocket() => new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
}
