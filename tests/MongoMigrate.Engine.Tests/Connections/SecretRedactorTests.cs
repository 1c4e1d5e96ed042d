using MongoMigrate.Engine.Connections;

namespace MongoMigrate.Engine.Tests.Connections;

public class SecretRedactorTests
{
    [Theory]
    [InlineData("mongodb://alice:s3cret@db1:27017/admin", "mongodb://alice:****@db1:27017/admin")]
    [InlineData("failed to reach MONGODB+SRV://bob:p%40ss@cluster.example.net/?tls=true: timeout", "failed to reach MONGODB+SRV://bob:****@cluster.example.net/?tls=true: timeout")]
    [InlineData("mongodb://db1/?authMechanismProperties=AWS_SESSION_TOKEN:abc&tls=true", "mongodb://db1/?authMechanismProperties=****&tls=true")]
    [InlineData("mongodb://db1/?tlsCertificateKeyFilePassword=hunter2", "mongodb://db1/?tlsCertificateKeyFilePassword=****")]
    public void A_password_in_any_text_is_masked_and_the_rest_kept(string text, string expected) =>
        Assert.Equal(expected, SecretRedactor.Redact(text));

    [Theory]
    [InlineData("mongodb://db1:27017,db2:27017/?replicaSet=rs0")]
    [InlineData("mongodb://alice@db1/")]
    [InlineData("plain text with a colon: and an @ sign")]
    public void Text_without_a_password_is_left_as_it_is(string text) => Assert.Equal(text, SecretRedactor.Redact(text));

    [Fact]
    public void Nothing_redacts_to_an_empty_line() => Assert.Equal(string.Empty, SecretRedactor.Redact(null));
}
