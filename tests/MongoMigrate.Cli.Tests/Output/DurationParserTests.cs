using MongoMigrate.Cli.Output;

namespace MongoMigrate.Cli.Tests.Output;

public sealed class DurationParserTests
{
    [Theory]
    [InlineData("90s", 90)]
    [InlineData("90", 90)]
    [InlineData("15m", 900)]
    [InlineData("1.5h", 5400)]
    [InlineData(" 2M ", 120)]
    public void Durations_with_a_unit_or_in_seconds_are_read(string text, double seconds)
    {
        Assert.True(DurationParser.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("off")]
    [InlineData("0")]
    [InlineData("0s")]
    public void Off_and_zero_mean_no_duration(string text)
    {
        Assert.True(DurationParser.TryParse(text, out var duration));
        Assert.Null(duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("fast")]
    [InlineData("-5m")]
    [InlineData("10d")]
    [InlineData("8h9")]
    [InlineData("1000h")]
    public void Anything_else_is_refused(string text) => Assert.False(DurationParser.TryParse(text, out _));
}
