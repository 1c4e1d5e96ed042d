using MongoDB.Bson;

namespace MongoMigrate.Bson.Tests;

public class BsonOrderTests
{
    private static RawBsonValue V(Action<BsonBuilder> write)
    {
        var builder = new BsonBuilder().StartDocument();
        write(builder);
        var doc = builder.End().ToDocument();
        Assert.True(doc.TryGetFirst(out var element));
        return element.Value;
    }

    private static RawBsonValue Int(int v) => V(b => b.Int32("v", v));

    private static RawBsonValue Long(long v) => V(b => b.Int64("v", v));

    private static RawBsonValue Dbl(double v) => V(b => b.Double("v", v));

    private static RawBsonValue Dec(string v) => V(b => b.Decimal128("v", Decimal128.Parse(v)));

    private static RawBsonValue Str(string v) => V(b => b.String("v", v));

    [Fact]
    public void Type_brackets_sort_in_the_servers_order()
    {
        var ascending = new[]
        {
            V(b => b.MinKey("v")),
            V(b => b.Null("v")),
            Dbl(double.NaN),
            Int(-5),
            Str(""),
            V(b => b.StartDocument("v").End()),
            V(b => b.StartArray("v").End()),
            V(b => b.Binary("v", 0, [])),
            V(b => b.ObjectId("v", ObjectId.Empty)),
            V(b => b.Boolean("v", false)),
            V(b => b.DateTime("v", long.MinValue)),
            V(b => b.Timestamp("v", 0)),
            V(b => b.Regex("v", "a", "")),
            V(b => b.MaxKey("v")),
        };

        for (var i = 0; i < ascending.Length; i++)
        {
            for (var j = 0; j < ascending.Length; j++)
            {
                Assert.Equal(i.CompareTo(j), BsonOrder.CompareValues(ascending[i], ascending[j]));
            }
        }
    }

    [Fact]
    public void Numbers_compare_by_value_across_int_long_double_and_decimal()
    {
        Assert.Equal(0, BsonOrder.CompareValues(Int(1), Long(1)));
        Assert.Equal(0, BsonOrder.CompareValues(Int(1), Dbl(1.0)));
        Assert.Equal(0, BsonOrder.CompareValues(Dbl(1.0), Dec("1.000")));
        Assert.Equal(0, BsonOrder.CompareValues(Dbl(-0.0), Int(0)));
        Assert.Equal(-1, BsonOrder.CompareValues(Int(2), Dbl(2.5)));
        Assert.Equal(1, BsonOrder.CompareValues(Long(long.MaxValue), Dbl(9.2233720368547748e18)));
        Assert.Equal(-1, BsonOrder.CompareValues(Long(long.MaxValue), Dbl(9.2233720368547758e18)));
        Assert.Equal(-1, BsonOrder.CompareValues(Long(9007199254740993), Dbl(9007199254740994)));
        Assert.Equal(1, BsonOrder.CompareValues(Long(9007199254740993), Dbl(9007199254740992)));

        // Double 0.1 is slightly more than decimal 0.1.
        Assert.Equal(1, BsonOrder.CompareValues(Dbl(0.1), Dec("0.1")));
        Assert.Equal(-1, BsonOrder.CompareValues(Dec("-Infinity"), Dbl(-1e308)));
        Assert.Equal(0, BsonOrder.CompareValues(Dec("Infinity"), Dbl(double.PositiveInfinity)));
        Assert.Equal(1, BsonOrder.CompareValues(Dec("1E+400"), Dbl(double.MaxValue)));
        Assert.Equal(-1, BsonOrder.CompareValues(Dec("1E-400"), Dbl(double.Epsilon)));
    }

    [Fact]
    public void NaN_sorts_below_every_other_number_and_equals_itself()
    {
        Assert.Equal(-1, BsonOrder.CompareValues(Dbl(double.NaN), Dbl(double.NegativeInfinity)));
        Assert.Equal(-1, BsonOrder.CompareValues(Dec("NaN"), Long(long.MinValue)));
        Assert.Equal(0, BsonOrder.CompareValues(Dbl(double.NaN), Dec("NaN")));
        Assert.Equal(1, BsonOrder.CompareValues(Int(int.MinValue), Dbl(double.NaN)));
    }

    [Fact]
    public void Strings_compare_as_utf8_bytes_and_symbols_join_them()
    {
        Assert.Equal(-1, BsonOrder.CompareValues(Str("B"), Str("a")));
        Assert.Equal(-1, BsonOrder.CompareValues(Str("a"), Str("ab")));
        Assert.Equal(-1, BsonOrder.CompareValues(Str("z"), Str("é")));
    }

    [Fact]
    public void Binary_data_compares_length_first_then_subtype_then_bytes()
    {
        var shortHigh = V(b => b.Binary("v", 4, [0xFF]));
        var longLow = V(b => b.Binary("v", 0, [0x00, 0x00]));
        var subtype0 = V(b => b.Binary("v", 0, [0x05]));
        Assert.Equal(-1, BsonOrder.CompareValues(shortHigh, longLow));
        Assert.Equal(1, BsonOrder.CompareValues(shortHigh, subtype0));
    }

    [Fact]
    public void Documents_compare_element_by_element_with_names_and_prefixes_first()
    {
        var a1 = V(b => b.StartDocument("v").Int32("a", 1).End());
        var a1b = V(b => b.StartDocument("v").Int32("a", 1).Int32("b", 0).End());
        var a2 = V(b => b.StartDocument("v").Double("a", 2).End());
        var b0 = V(b => b.StartDocument("v").Int32("b", 0).End());
        var aString = V(b => b.StartDocument("v").String("a", "x").End());
        Assert.Equal(-1, BsonOrder.CompareValues(a1, a1b));
        Assert.Equal(-1, BsonOrder.CompareValues(a1b, a2));
        Assert.Equal(-1, BsonOrder.CompareValues(a2, b0));
        Assert.Equal(1, BsonOrder.CompareValues(aString, b0)); // the string bracket outranks numbers before names count
    }

    [Fact]
    public void Equal_values_hash_equal_across_numeric_types()
    {
        Assert.Equal(BsonOrder.Hash(Int(42)), BsonOrder.Hash(Dbl(42.0)));
        Assert.Equal(BsonOrder.Hash(Long(42)), BsonOrder.Hash(Dec("42")));
        Assert.Equal(BsonOrder.Hash(Dbl(0.0)), BsonOrder.Hash(Dbl(-0.0)));
        Assert.Equal(
            BsonOrder.Hash(V(b => b.StartDocument("v").Int32("a", 1).End())),
            BsonOrder.Hash(V(b => b.StartDocument("v").Int64("a", 1).End())));
    }

    [Fact]
    public void Every_corpus_value_compares_equal_to_itself_and_sorting_is_consistent()
    {
        var values = BsonCorpus.AllValid()
            .SelectMany(c => new RawDocument(c.Bytes).Values())
            .ToList();
        Assert.NotEmpty(values);
        foreach (var v in values)
        {
            Assert.Equal(0, BsonOrder.CompareValues(v, v));
        }

        var sorted = values.Order(BsonOrder.Instance).ToList();
        for (var i = 1; i < sorted.Count; i++)
        {
            Assert.True(BsonOrder.CompareValues(sorted[i - 1], sorted[i]) <= 0);
            Assert.True(BsonOrder.CompareValues(sorted[i], sorted[i - 1]) >= 0);
        }
    }
}
