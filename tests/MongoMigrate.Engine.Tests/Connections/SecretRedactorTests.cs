using MongoMigrate.Engine.Connections;

namespace MongoMigrate.Engine.Tests.Connections;

public class SecretRedactorTests
{
    [Theory]
    [InlineData("mongodb://alice:S3cret@host:27017/db", "mongodb://alice:****@host:27017/db")]
    [InlineData("mongodb+srv://alice:S3cret@cluster.example.net/?retryWrites=true", "mongodb+srv://alice:****@cluster.example.net/?retryWrites=true")]
    [InlineData("mongodbx://alice:S3cret@host", "mongodbx://alice:****@host")]
    [InlineData("alice:S3cret@host", "alice:****@host")]
    [InlineData("mongodb://al ice:S3 cret@host", "mongodb://al ice:****@host")]
    [InlineData("mongodb://alice:S3/cr@t@host", "mongodb://alice:****@host")]
    [InlineData("mongodb://host:27017/?authMechanismProperties=AWS_SESSION_TOKEN:tok3n", "mongodb://host:27017/?authMechanismProperties=****")]
    [InlineData("mongodb://host:27017/", "mongodb://host:27017/")]
    public void A_uri_as_given_keeps_everything_but_its_password(string uri, string expected)
    {
        Assert.Equal(expected, SecretRedactor.RedactUri(uri));
    }

    [Theory]
    [InlineData("Cannot connect to mongodb://alice:S3cret@host: refused.")]
    [InlineData("The source mongodbx://alice:S3cret@host is not valid")]
    [InlineData("The source mongodb://al ice:S3 cret@127.0.0.1:27017 rejected the credentials")]
    [InlineData("first mongodb://a:S3cret@h and then mongodb://b:S3cret@k")]
    public void Free_text_loses_the_passwords_of_every_uri_it_quotes(string text)
    {
        var redacted = SecretRedactor.Redact(text);

        Assert.DoesNotContain("S3", redacted, StringComparison.Ordinal);
        Assert.Contains(SecretRedactor.Mask, redacted, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mongodb://al ice:S3 cret@127.0.0.1:27017")]
    [InlineData("mongodb://alice:S3 cret@127.0.0.1:27017/?directConnection=true")]
    public void An_endpoint_with_spaces_in_its_credentials_is_displayed_and_stored_without_its_password(string uri)
    {
        var endpoint = MongoEndpoint.Parse("source", uri);

        Assert.DoesNotContain("S3", endpoint.Display, StringComparison.Ordinal);
        Assert.DoesNotContain("cret", endpoint.Display, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:27017", endpoint.Display, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("mongodbx://alice:S3cret@host")]
    [InlineData("alice:S3cret@host")]
    [InlineData("http://alice:S3cret@host")]
    [InlineData("mongodb://alice:S3cret@")]
    [InlineData("mongodb://alice:S3cret@host:notaport")]
    public void A_uri_that_is_not_valid_is_refused_without_its_password(string uri)
    {
        var error = Assert.Throws<MigrationException>(() => MongoEndpoint.Parse("source", uri));

        Assert.StartsWith("The source URI '", error.Message, StringComparison.Ordinal);
        Assert.Contains("is not valid", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("S3cret", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }
}
