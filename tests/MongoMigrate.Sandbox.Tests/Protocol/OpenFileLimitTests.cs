using MongoMigrate.Sandbox.Protocol;

namespace MongoMigrate.Sandbox.Tests.Protocol;

public class OpenFileLimitTests
{
    private const string Limits = """
        Limit                     Soft Limit           Hard Limit           Units
        Max processes             127469               127469               processes
        Max open files            200                  4096                 files
        Max locked memory         8388608              8388608              bytes
        """;

    [Fact]
    public void Connections_are_capped_at_80_percent_of_the_files_the_process_may_still_open()
    {
        Assert.Equal(104, OpenFileLimit.Connections(1000, Limits, openNow: 70));
    }

    [Fact]
    public void A_configured_limit_below_the_cap_is_kept()
    {
        Assert.Equal(50, OpenFileLimit.Connections(50, Limits, openNow: 70));
    }

    [Fact]
    public void An_unlimited_or_unknown_open_files_limit_keeps_the_configured_one()
    {
        Assert.Equal(1000, OpenFileLimit.Connections(1000, Limits.Replace("200 ", "unlimited ", StringComparison.Ordinal), openNow: 70));
        Assert.Equal(1000, OpenFileLimit.Connections(1000, "no such line", openNow: 70));
    }

    [Fact]
    public void At_least_one_connection_is_always_served()
    {
        Assert.Equal(1, OpenFileLimit.Connections(1000, Limits, openNow: 199));
    }
}
