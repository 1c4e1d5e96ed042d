using MongoMigrate.Engine.Namespaces;

namespace MongoMigrate.Engine.Tests.Namespaces;

public class NamespaceSelectionTests
{
    [Theory]
    [InlineData("a/b.things", "'/'")]
    [InlineData("app.$", "'$'")]
    [InlineData("my db.things", "a space")]
    [InlineData("admin.*", "database of the server itself")]
    [InlineData("local.things", "database of the server itself")]
    [InlineData("app.system.*", "\"system.\"")]
    [InlineData("app.system.things", "\"system.\"")]
    [InlineData("app.a$*", "'$'")]
    [InlineData("a\"b.*", "'\"'")]
    public void A_rename_target_that_can_never_be_valid_is_refused_when_given(string to, string problem)
    {
        var error = Assert.Throws<MigrationException>(() => new NamespaceSelection([], [], [("app.*", to)]));

        Assert.StartsWith($"--to '{to}' cannot name a target: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_database_name_of_64_bytes_is_refused_and_63_accepted()
    {
        Assert.Throws<MigrationException>(() => new NamespaceSelection([], [], [("app.*", new string('d', 64) + ".*")]));
        var selection = new NamespaceSelection([], [], [("app.*", new string('d', 63) + ".*")]);
        Assert.Equal(new string('d', 63), selection.TargetOf(new NamespaceName("app", "things")).Database);
    }

    [Fact]
    public void A_rename_that_makes_a_name_too_long_only_with_the_source_name_fails_naming_both()
    {
        var selection = new NamespaceSelection([], [], [("*.things", "*" + new string('y', 61) + ".things")]);

        Assert.Equal("ab" + new string('y', 61), selection.TargetOf(new NamespaceName("ab", "things")).Database);
        var error = Assert.Throws<MigrationException>(() => selection.TargetOf(new NamespaceName("app", "things")));
        Assert.StartsWith("--from '*.things' --to '*yyy", error.Message, StringComparison.Ordinal);
        Assert.Contains("would write app.things to 'app", error.Message, StringComparison.Ordinal);
        Assert.Contains("64 bytes long; MongoDB allows 63", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_namespace_longer_than_255_bytes_is_refused()
    {
        var selection = new NamespaceSelection([], [], [("app.*", "app.*" + new string('c', 250))]);

        var error = Assert.Throws<MigrationException>(() => selection.TargetOf(new NamespaceName("app", "things")));

        Assert.Contains("MongoDB allows 255", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("app.*", "copy.*")]
    [InlineData("*.things", "*.copy")]
    [InlineData("app", "copy")]
    [InlineData("app.things", "app_2.things.v2")]
    [InlineData("app.things", "db-é.things")]
    public void Ordinary_rename_targets_are_accepted(string from, string to)
    {
        var selection = new NamespaceSelection([], [], [(from, to)]);

        Assert.NotEqual(default, selection.TargetOf(new NamespaceName("app", "things")));
    }
}
