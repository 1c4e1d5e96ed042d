using MongoMigrate.Engine.Jobs;

namespace MongoMigrate.Engine.Tests.Jobs;

public class JobOptionRulesTests
{
    [Theory]
    [InlineData("nightly")]
    [InlineData("job-2026.12_03")]
    [InlineData("7")]
    [InlineData(null)]
    public void A_job_id_of_letters_digits_dashes_underscores_and_dots_names_a_folder(string? id)
    {
        JobOptionRules.RequireJobId(id);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("../outside")]
    [InlineData("-leading-dash")]
    [InlineData("a/b")]
    [InlineData("with space")]
    [InlineData("é")]
    public void A_job_id_that_could_name_another_folder_is_refused_with_what_to_use(string id)
    {
        var error = Assert.Throws<MigrationException>(() => JobOptionRules.RequireJobId(id));

        Assert.Equal($"--job-id '{id}' is not a job id: use 1 to 64 letters, digits, '-', '_' and '.', starting with a letter or digit.", error.Message);
    }

    [Fact]
    public void A_job_id_of_65_characters_is_too_long()
    {
        JobOptionRules.RequireJobId(new string('a', 64));
        Assert.Throws<MigrationException>(() => JobOptionRules.RequireJobId(new string('a', 65)));
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(600, true)]
    [InlineData(0.5, false)]
    [InlineData(601, false)]
    public void The_connect_timeout_is_one_to_six_hundred_seconds(double seconds, bool accepted)
    {
        var check = () => JobOptionRules.RequireConnectTimeout(TimeSpan.FromSeconds(seconds));

        if (accepted)
        {
            check();
        }
        else
        {
            Assert.Contains("--connect-timeout must be between 1 and 600 seconds", Assert.Throws<MigrationException>(check).Message, StringComparison.Ordinal);
        }
    }
}
