using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MongoMigrate.Sandbox.Protocol;

namespace MongoMigrate.Sandbox.Tests.Protocol;

public class ConnectionAcceptorTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(SocketError.TooManyOpenSockets)]
    [InlineData(SocketError.NoBufferSpaceAvailable)]
    [InlineData(SocketError.ConnectionAborted)]
    public async Task A_failing_accept_waits_on_a_timer_before_trying_again_instead_of_spinning(SocketError error)
    {
        var time = new TimerWatchingTimeProvider(new FakeTimeProvider(DateTimeOffset.UtcNow));
        var calls = Channel.CreateUnbounded<DateTimeOffset>();
        var failures = 3;
        async ValueTask<Socket> AcceptAsync(CancellationToken cancellationToken)
        {
            calls.Writer.TryWrite(time.GetUtcNow());
            if (Interlocked.Decrement(ref failures) >= 0)
            {
                throw new SocketException((int)error);
            }

            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
            throw new InvalidOperationException("not reached");
        }

        using var stop = new CancellationTokenSource();
        var acceptor = new ConnectionAcceptor(AcceptAsync, _ => Task.CompletedTask, maxConnections: 10, time, NullLogger.Instance);
        var run = acceptor.RunAsync(stop.Token);

        var previous = await calls.Reader.ReadAsync(Ct);
        for (var retry = 0; retry < 3; retry++)
        {
            // After a failure the acceptor waits on a timer: no further attempt until the clock moves.
            await time.NextTimerAsync().WaitAsync(TimeSpan.FromSeconds(10), Ct);
            Assert.False(calls.Reader.TryPeek(out _), "accept was retried without waiting");
            time.Advance(ConnectionAcceptor.MaxBackoff);
            var next = await calls.Reader.ReadAsync(Ct);
            Assert.True(next - previous >= ConnectionAcceptor.FirstBackoff, $"retried after {(next - previous).TotalMilliseconds} ms");
            previous = next;
        }

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10), Ct);
    }

    /// <summary>A fake clock that also tells when a timer is created, so a test knows the code under test is waiting.</summary>
    private sealed class TimerWatchingTimeProvider(FakeTimeProvider inner) : TimeProvider
    {
        private readonly Channel<bool> _created = Channel.CreateUnbounded<bool>();

        public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

        public override long TimestampFrequency => inner.TimestampFrequency;

        public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

        public override long GetTimestamp() => inner.GetTimestamp();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = inner.CreateTimer(callback, state, dueTime, period);
            _created.Writer.TryWrite(true);
            return timer;
        }

        public Task NextTimerAsync() => _created.Reader.ReadAsync(Ct).AsTask();

        public void Advance(TimeSpan by) => inner.Advance(by);
    }
}
