using System.Net;
using MongoDB.Bson;
using MongoDB.Driver;
using MongoDB.Driver.Core.Clusters;
using MongoDB.Driver.Core.Connections;
using MongoDB.Driver.Core.Servers;
using MongoMigrate.Engine.Copying;
using MongoMigrate.Engine.Migration;
using MongoMigrate.Engine.Resilience;

namespace MongoMigrate.Engine.Tests.Resilience;

public sealed class TransientErrorsTests
{
    private static readonly ConnectionId Connection = new(new ServerId(new ClusterId(1), new DnsEndPoint("localhost", 27017)));

    [Theory]
    [InlineData(6, "HostUnreachable")]
    [InlineData(91, "ShutdownInProgress")]
    [InlineData(10107, "NotWritablePrimary")]
    [InlineData(11600, "InterruptedAtShutdown")]
    [InlineData(189, "PrimarySteppedDown")]
    [InlineData(262, "ExceededTimeLimit")]
    [InlineData(89, "NetworkTimeout")]
    public void Server_errors_of_elections_shutdowns_and_timeouts_are_retried(int code, string name) =>
        Assert.True(TransientErrors.IsTransient(Command(code, name)), name);

    [Theory]
    [InlineData(13, "Unauthorized")]
    [InlineData(121, "DocumentValidationFailure")]
    [InlineData(2, "BadValue")]
    [InlineData(11000, "DuplicateKey")]
    public void Validation_authorization_and_bad_input_are_not(int code, string name) =>
        Assert.False(TransientErrors.IsTransient(Command(code, name)), name);

    [Fact]
    public void Anything_labelled_RetryableWriteError_is_retried_whatever_its_code()
    {
        var error = Command(1234, "Odd");
        error.AddErrorLabel("RetryableWriteError");

        Assert.True(TransientErrors.IsTransient(error));
    }

    [Fact]
    public void Network_errors_timeouts_and_a_paused_pool_are_retried_a_cancellation_is_not()
    {
        Assert.True(TransientErrors.IsTransient(new MongoConnectionException(Connection, "connection reset")));
        Assert.True(TransientErrors.IsTransient(new TimeoutException()));
        Assert.True(TransientErrors.IsTransient(new MongoConnectionPoolPausedException("paused")));
        Assert.True(TransientErrors.IsTransient(new IOException("broken pipe")));
        Assert.False(TransientErrors.IsTransient(new OperationCanceledException()));
    }

    [Fact]
    public void A_full_disk_is_not_retried_since_waiting_frees_no_space()
    {
        var full = new IOException("No space left on device : '/work/chunks/x'", 28);

        Assert.True(TransientErrors.IsDiskFull(full));
        Assert.False(TransientErrors.IsTransient(full));
        Assert.False(ChunkCompletion.IsRetryable(full));
    }

    [Fact]
    public void A_chunk_is_tried_again_for_a_damaged_file_or_a_lost_cursor_but_not_for_a_refused_document()
    {
        Assert.True(ChunkCompletion.IsRetryable(new DamagedChunkFileException("crc")));
        Assert.True(ChunkCompletion.IsRetryable(Command(43, "CursorNotFound")));
        Assert.False(ChunkCompletion.IsRetryable(new DocumentWriteException("app.x", 121, "invalid", null)));
    }

    [Fact]
    public void Chunk_retries_wait_longer_each_time_within_their_jitter_and_never_past_thirty_seconds()
    {
        var delay = TimeSpan.FromMilliseconds(200);

        Assert.InRange(ChunkAttempts.Backoff(delay, 2), TimeSpan.FromMilliseconds(600), TimeSpan.FromMilliseconds(1000));
        Assert.InRange(ChunkAttempts.Backoff(delay, 3), TimeSpan.FromMilliseconds(1200), TimeSpan.FromMilliseconds(2000));
        Assert.InRange(ChunkAttempts.Backoff(delay, 40), TimeSpan.FromSeconds(22.5), TimeSpan.FromSeconds(37.5));
    }

    private static MongoCommandException Command(int code, string name) =>
        new(Connection, $"Command failed: {name}", new BsonDocument("insert", "x"), new BsonDocument { { "ok", 0 }, { "code", code }, { "codeName", name }, { "errmsg", name } });
}
