
using MongoMigrate.Engine.DumpFormat;

namespace MongoMigrate.Engine.Tests.DumpFormat;

public class CollectionNameEscapingTests
{
    // The long name of mongorestore's tests (filepath_test.go) and the file stem mongodump gives it.
    private const string LongPrefix = "aVeryVeryVeryVeryVeryVeryVeryVeryVeryVeryVeryVeryVeryVery" +
        "VeryVeryVeryVeryVeryVeryVeryVeryVeryVeryVeryVeryVeryVeryVeryVeryVery" +
        "VeryVeryVeryVeryVeryVeryVeryVeryVeryVeryVeryVeryVery";

    private const string LongName = LongPrefix + "LongCollectionNameConsistingOfExactlyTwoHundredAndFortySevenCharacters";

    private const string LongStem = LongPrefix + "LongCollectionNameConsistingOfE%24xFO0VquRn7cg3QooSZD5sglTddU";

    [Theory]
    [InlineData("foo", "foo")]
    [InlineData("cafés", "caf%C3%A9s")]
    [InlineData("with space", "with+space")]
    [InlineData("a$b", "a%24b")]
    [InlineData("system.buckets.foo_ts", "system.buckets.foo_ts")]
    [InlineData("-_.~", "-_.~")]
    [InlineData("a/b\\c", "a%2Fb%5Cc")]
    [InlineData("a+b&c=d?e", "a%2Bb%26c%3Dd%3Fe")]
    [InlineData("%", "%25")]
    [InlineData("日本", "%E6%97%A5%E6%9C%AC")]
    [InlineData("a:b@c,d;e", "a%3Ab%40c%2Cd%3Be")]
    [InlineData("emoji😀", "emoji%F0%9F%98%80")]
    public void Names_escape_like_Gos_QueryEscape_and_come_back(string name, string escaped)
    {
        Assert.Equal(escaped, CollectionNameEscaping.Escape(name));
        Assert.Equal(name, CollectionNameEscaping.Unescape(escaped));
        Assert.Equal(escaped, CollectionNameEscaping.FileStem(name));
    }

    [Theory]
    [InlineData("abc%", false)]
    [InlineData("abc%2", false)]
    [InlineData("abc%zz", false)]
    [InlineData("abc%2f", true)]
    [InlineData("a+b", true)]
    public void Unescaping_refuses_a_percent_without_two_hex_digits(string escaped, bool ok) =>
        Assert.Equal(ok, CollectionNameEscaping.TryUnescape(escaped, out _));

    [Fact]
    public void Lowercase_hex_escapes_are_accepted_as_Go_does() => Assert.Equal("a/b", CollectionNameEscaping.Unescape("a%2fb"));

    [Fact]
    public void A_long_name_becomes_208_bytes_plus_the_delimiter_plus_the_sha1_as_mongodump_names_it()
    {
        Assert.Equal(247, LongName.Length);
        var stem = CollectionNameEscaping.FileStem(LongName);
        Assert.Equal(LongStem, stem);
        Assert.Equal(238, stem.Length);
        Assert.True(CollectionNameEscaping.IsTruncatedStem(stem));
    }

    [Fact]
    public void The_limit_is_on_the_escaped_length_not_the_name_length()
    {
        var fits = new string('a', 238);
        Assert.Equal(fits, CollectionNameEscaping.FileStem(fits));
        Assert.False(CollectionNameEscaping.IsTruncatedStem(fits));

        var tooLong = new string('a', 239);
        Assert.Equal(238, CollectionNameEscaping.FileStem(tooLong).Length);

        // 80 'é' are 160 bytes, 480 escaped characters: shortened although the name is short.
        var accented = new string('é', 80);
        var stem = CollectionNameEscaping.FileStem(accented);
        Assert.Equal(238, stem.Length);
        Assert.StartsWith(CollectionNameEscaping.Escape(accented)[..208] + "%24", stem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_238_byte_stem_without_the_delimiter_is_a_real_name() =>
        Assert.False(CollectionNameEscaping.IsTruncatedStem(new string('b', 238)));
}
