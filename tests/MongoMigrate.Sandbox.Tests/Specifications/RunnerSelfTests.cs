using MongoDB.Bson;

namespace MongoMigrate.Sandbox.Tests.Specifications;

/// <summary>The runner's own rules, checked without a server: matching, versions and runOnRequirements.</summary>
public class RunnerSelfTests
{
    private readonly ValueMatcher _matcher = new(new EntityMap());

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private bool Matches(string expected, string actual, bool isRoot = true)
    {
        try
        {
            _matcher.Match(BsonDocument.Parse(expected), BsonDocument.Parse(actual), isRoot);
            return true;
        }
        catch (SpecificationAssertionException)
        {
            return false;
        }
    }

    [Fact]
    public void Root_documents_may_carry_extra_fields_but_nested_ones_may_not()
    {
        Assert.True(Matches("{ x: 1 }", "{ x: 1, y: 1 }"));
        Assert.False(Matches("{ x: 1, y: 1 }", "{ x: 1 }"));
        Assert.False(Matches("{ x: { y: 1 } }", "{ x: { y: 1, z: 1 } }"));
        Assert.False(Matches("{ x: 1 }", "{ x: 1, y: 1 }", isRoot: false));
    }

    [Fact]
    public void Numbers_match_by_value_across_int_long_and_double_but_not_decimal()
    {
        Assert.True(Matches("{ n: 1 }", "{ n: { $numberLong: '1' } }"));
        Assert.True(Matches("{ n: 1 }", "{ n: 1.0 }"));
        Assert.False(Matches("{ n: 1 }", "{ n: 1.5 }"));
        Assert.False(Matches("{ n: 1 }", "{ n: { $numberDecimal: '1' } }"));
        Assert.False(Matches("{ n: 1 }", "{ n: '1' }"));
    }

    [Fact]
    public void Unset_or_matches_accepts_an_absent_value_and_checks_a_present_one()
    {
        Assert.True(Matches("{ id: { $$unsetOrMatches: 2 } }", "{ }"));
        Assert.True(Matches("{ id: { $$unsetOrMatches: 2 } }", "{ id: 2 }"));
        Assert.False(Matches("{ id: { $$unsetOrMatches: 2 } }", "{ id: 3 }"));
        _matcher.Match(BsonDocument.Parse("{ $$unsetOrMatches: { insertedId: 1 } }"), null, isRoot: true);
    }

    [Fact]
    public void Exists_and_type_check_presence_and_bson_type()
    {
        Assert.True(Matches("{ a: { $$exists: false } }", "{ b: 1 }"));
        Assert.False(Matches("{ a: { $$exists: false } }", "{ a: null }"));
        Assert.True(Matches("{ a: { $$exists: true } }", "{ a: null }"));
        Assert.True(Matches("{ getMore: { $$type: ['int', 'long'] } }", "{ getMore: { $numberLong: '12' } }"));
        Assert.False(Matches("{ getMore: { $$type: 'int' } }", "{ getMore: { $numberLong: '12' } }"));
        Assert.True(Matches("{ n: { $$type: 'number' } }", "{ n: 1.5 }"));
        Assert.False(Matches("{ n: { $$type: 'int' } }", "{ }"));
    }

    [Fact]
    public void Arrays_must_have_the_same_length_and_elements_in_order()
    {
        Assert.True(Matches("{ a: [1, 2] }", "{ a: [1, 2] }"));
        Assert.False(Matches("{ a: [1, 2] }", "{ a: [1, 2, 3] }"));
        Assert.False(Matches("{ a: [1, 2] }", "{ a: [2, 1] }"));
        Assert.False(Matches("{ a: [{ x: 1 }] }", "{ a: [{ x: 1, y: 2 }] }"));
    }

    [Fact]
    public void Versions_compare_by_component_and_ignore_pre_release_tags()
    {
        Assert.True(VersionNumber.Parse("4.0.10") > VersionNumber.Parse("4.0.9"));
        Assert.True(VersionNumber.Parse("3.6") < VersionNumber.Parse("4.2.0"));
        Assert.Equal(new VersionNumber(4, 9, 0), VersionNumber.Parse("4.9.0-alpha4-271-g7d5cf02"));
        Assert.Equal(new VersionNumber(8, 0, 0), VersionNumber.Parse("8"));
    }

    [Fact]
    public async Task Requirements_pass_when_any_alternative_is_met_and_otherwise_say_why()
    {
        var server = new ServerUnderTest(new VersionNumber(7, 0, 0), "replicaset", isSandbox: true);
        var alternatives = BsonArray.Create(new[]
        {
            BsonDocument.Parse("{ minServerVersion: '4.0.0', topologies: ['single', 'replicaset'] }"),
            BsonDocument.Parse("{ minServerVersion: '4.2.0', topologies: ['sharded'] }"),
        });
        Assert.Null(await RunOnRequirements.UnmetAsync(alternatives, server, Ct));

        var newer = BsonArray.Create(new[] { BsonDocument.Parse("{ minServerVersion: '8.0' }") });
        Assert.Contains("requires server version >= 8.0", await RunOnRequirements.UnmetAsync(newer, server, Ct));

        var older = BsonArray.Create(new[] { BsonDocument.Parse("{ minServerVersion: '3.6.0', maxServerVersion: '4.3.99' }") });
        Assert.Contains("<= 4.3.99", await RunOnRequirements.UnmetAsync(older, server, Ct));

        var auth = BsonArray.Create(new[] { BsonDocument.Parse("{ auth: true }") });
        Assert.Contains("requires authentication", await RunOnRequirements.UnmetAsync(auth, server, Ct));
    }

    [Fact]
    public void Schema_versions_beyond_the_supported_minor_or_of_another_major_are_refused()
    {
        static string? Reason(string version)
        {
            var path = Path.GetTempFileName();
            try
            {
                File.WriteAllText(path, $"{{ \"description\": \"d\", \"schemaVersion\": \"{version}\", \"tests\": [] }}");
                return SpecificationFile.Load(path).IncompatibilityReason;
            }
            finally
            {
                File.Delete(path);
            }
        }

        Assert.Null(Reason("1.0"));
        Assert.Null(Reason("1.12"));
        Assert.NotNull(Reason("2.0"));
        Assert.NotNull(Reason($"1.{SpecificationFile.SupportedSchemaVersion.Minor + 1}"));
    }
}
