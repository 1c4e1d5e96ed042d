using MongoMigrate.Sandbox.Expressions;
using static MongoMigrate.Sandbox.Tests.Bson;

namespace MongoMigrate.Sandbox.Tests.Expressions;

public class ExpressionTests
{
    private const string Sample = "{_id: 1, a: 5, b: 2, s: 'Hello', n: null, arr: [1, 2, 3], d: ISODate('2020-01-01T00:00:00Z'), sub: {x: 1, y: [{z: 1}, {z: 2}, 3]}, f: 1.5, l: NumberLong(10), dec: NumberDecimal('2.5'), t: true}";

    private static string Eval(string expression, string doc = Sample) =>
        Json(ExpressionParser.Parse(Val(expression)).Evaluate(EvaluationContext.ForDocument(Doc(doc))));

    [Theory]
    [InlineData("'$a'", "5")]
    [InlineData("'$sub.x'", "1")]
    [InlineData("'$sub.y.z'", "[1, 2]")]
    [InlineData("'$missing'", "<missing>")]
    [InlineData("'$$ROOT._id'", "1")]
    [InlineData("'$$CURRENT.a'", "5")]
    [InlineData("'$$REMOVE'", "<missing>")]
    [InlineData("'text'", "\"text\"")]
    [InlineData("{$literal: '$a'}", "\"$a\"")]
    [InlineData("{x: '$a', y: '$missing'}", "{ \"x\" : 5 }")]
    [InlineData("['$a', '$missing']", "[5, null]")]
    public void Paths_variables_and_literals_evaluate(string expression, string expected) =>
        Assert.Equal(expected, Eval(expression));

    [Theory]
    [InlineData("{$add: ['$a', '$b']}", "7")]
    [InlineData("{$add: ['$a', 1.5]}", "6.5")]
    [InlineData("{$add: ['$a', '$l']}", "NumberLong(15)")]
    [InlineData("{$add: ['$a', '$dec']}", "NumberDecimal(\"7.5\")")]
    [InlineData("{$add: [2147483647, 1]}", "NumberLong(\"2147483648\")")]
    [InlineData("{$add: ['$a', '$n']}", "null")]
    [InlineData("{$add: ['$a', '$missing']}", "null")]
    [InlineData("{$add: ['$d', 1000]}", "ISODate(\"2020-01-01T00:00:01Z\")")]
    [InlineData("{$add: []}", "0")]
    [InlineData("{$subtract: ['$a', '$b']}", "3")]
    [InlineData("{$subtract: ['$d', '$d']}", "NumberLong(0)")]
    [InlineData("{$subtract: ['$d', 1000]}", "ISODate(\"2019-12-31T23:59:59Z\")")]
    [InlineData("{$multiply: ['$a', '$b', 2]}", "20")]
    [InlineData("{$multiply: ['$a', '$f']}", "7.5")]
    [InlineData("{$divide: ['$a', '$b']}", "2.5")]
    [InlineData("{$divide: [6, 3]}", "2.0")]
    [InlineData("{$mod: ['$a', '$b']}", "1")]
    [InlineData("{$mod: [-5, 2]}", "-1")]
    [InlineData("{$mod: [5.5, 2]}", "1.5")]
    [InlineData("{$abs: -3}", "3")]
    [InlineData("{$abs: -2147483648}", "NumberLong(\"2147483648\")")]
    [InlineData("{$abs: null}", "null")]
    public void Arithmetic_follows_the_servers_type_rules(string expression, string expected) =>
        Assert.Equal(expected, Eval(expression));

    [Theory]
    [InlineData("{$concat: ['$s', ' ', 'World']}", "\"Hello World\"")]
    [InlineData("{$concat: ['$s', '$n']}", "null")]
    [InlineData("{$toLower: '$s'}", "\"hello\"")]
    [InlineData("{$toUpper: '$s'}", "\"HELLO\"")]
    [InlineData("{$toUpper: '$n'}", "\"\"")]
    [InlineData("{$toLower: 5}", "\"5\"")]
    [InlineData("{$eq: ['$a', 5.0]}", "true")]
    [InlineData("{$eq: ['$missing', null]}", "false")]
    [InlineData("{$ne: ['$a', 5]}", "false")]
    [InlineData("{$gt: ['$a', '$b']}", "true")]
    [InlineData("{$gt: ['$s', '$a']}", "true")]
    [InlineData("{$gte: ['$a', 5]}", "true")]
    [InlineData("{$lt: ['$missing', null]}", "true")]
    [InlineData("{$lte: ['$b', 1]}", "false")]
    [InlineData("{$cmp: ['$a', '$b']}", "1")]
    [InlineData("{$cmp: ['$b', '$a']}", "-1")]
    [InlineData("{$and: ['$a', '$t']}", "true")]
    [InlineData("{$and: ['$a', '$n']}", "false")]
    [InlineData("{$and: []}", "true")]
    [InlineData("{$or: [0, '$n', '$missing']}", "false")]
    [InlineData("{$or: [0, 'x']}", "true")]
    [InlineData("{$not: ['$n']}", "true")]
    [InlineData("{$not: 0}", "true")]
    [InlineData("{$cond: [{$gt: ['$a', 1]}, 'big', 'small']}", "\"big\"")]
    [InlineData("{$cond: {if: '$n', then: 1, else: 2}}", "2")]
    [InlineData("{$ifNull: ['$n', '$missing', 'dflt']}", "\"dflt\"")]
    [InlineData("{$ifNull: ['$a', 'dflt']}", "5")]
    [InlineData("{$in: [2, '$arr']}", "true")]
    [InlineData("{$in: [2.0, '$arr']}", "true")]
    [InlineData("{$in: [9, '$arr']}", "false")]
    [InlineData("{$size: '$arr'}", "3")]
    [InlineData("{$arrayElemAt: ['$arr', 0]}", "1")]
    [InlineData("{$arrayElemAt: ['$arr', -1]}", "3")]
    [InlineData("{$arrayElemAt: ['$arr', 9]}", "<missing>")]
    [InlineData("{$arrayElemAt: ['$missing', 0]}", "null")]
    [InlineData("{$isArray: '$arr'}", "true")]
    [InlineData("{$isArray: ['$a']}", "false")]
    [InlineData("{$type: '$a'}", "\"int\"")]
    [InlineData("{$type: '$missing'}", "\"missing\"")]
    [InlineData("{$type: '$sub'}", "\"object\"")]
    [InlineData("{$concatArrays: ['$arr', [4]]}", "[1, 2, 3, 4]")]
    public void Strings_comparisons_logic_and_arrays_evaluate(string expression, string expected) =>
        Assert.Equal(expected, Eval(expression));

    [Theory]
    [InlineData("{$toString: '$a'}", "\"5\"")]
    [InlineData("{$toString: '$f'}", "\"1.5\"")]
    [InlineData("{$toString: '$t'}", "\"true\"")]
    [InlineData("{$toString: '$d'}", "\"2020-01-01T00:00:00.000Z\"")]
    [InlineData("{$toString: '$n'}", "null")]
    [InlineData("{$toString: ObjectId('5f1d7f3b9b1e8b3a4c5d6e7f')}", "\"5f1d7f3b9b1e8b3a4c5d6e7f\"")]
    [InlineData("{$toInt: '42'}", "42")]
    [InlineData("{$toInt: 4.9}", "4")]
    [InlineData("{$toInt: true}", "1")]
    [InlineData("{$toLong: '$d'}", "NumberLong(\"1577836800000\")")]
    [InlineData("{$toLong: 5}", "NumberLong(5)")]
    [InlineData("{$toDouble: '2.5'}", "2.5")]
    [InlineData("{$toDouble: 2}", "2.0")]
    [InlineData("{$toDouble: '$missing'}", "null")]
    public void Conversions_follow_convert(string expression, string expected) =>
        Assert.Equal(expected, Eval(expression));

    [Theory]
    [InlineData("{$max: '$arr'}", "3")]
    [InlineData("{$min: '$arr'}", "1")]
    [InlineData("{$max: ['$a', '$b', '$n']}", "5")]
    [InlineData("{$min: ['$n', '$missing']}", "null")]
    [InlineData("{$sum: '$arr'}", "6")]
    [InlineData("{$sum: ['$a', '$f', 's']}", "6.5")]
    [InlineData("{$sum: '$s'}", "0")]
    [InlineData("{$avg: '$arr'}", "2.0")]
    [InlineData("{$avg: ['$s']}", "null")]
    [InlineData("{$sum: [1, '$dec']}", "NumberDecimal(\"3.5\")")]
    public void Array_accumulator_operators_evaluate(string expression, string expected) =>
        Assert.Equal(expected, Eval(expression));

    [Theory]
    [InlineData("{$foo: 1}", 168, "Unrecognized expression '$foo'")]
    [InlineData("{$add: 1, $sub: 2}", 15983, "An object representing an expression must have exactly one field")]
    [InlineData("'$'", 16872, "'$' by itself is not a valid FieldPath")]
    [InlineData("'$$foo'", 17276, "Use of undefined variable: foo")]
    [InlineData("'$a..b'", 15998, "FieldPath field names may not be empty strings.")]
    [InlineData("{$abs: [1, 2]}", 16020, "Expression $abs takes exactly 1 arguments. 2 were passed in.")]
    [InlineData("{$cond: {if: 1, then: 2}}", 17082, "Missing 'else' parameter to $cond")]
    [InlineData("{$cond: {if: 1, then: 2, else: 3, otherwise: 4}}", 17083, "Unrecognized parameter to $cond: otherwise")]
    [InlineData("{$filter: {input: [], cond: true, by: 1}}", 28647, "Unrecognized parameter to $filter: by")]
    [InlineData("{$filter: {input: []}}", 28650, "Missing 'cond' parameter to $filter")]
    [InlineData("{$map: {in: 1}}", 16880, "Missing 'input' parameter to $map")]
    [InlineData("{$map: {input: [], in: 1, to: 1}}", 16879, "Unrecognized parameter to $map: to")]
    [InlineData("{$reduce: {input: [], in: 1}}", 40078, "$reduce requires 'initialValue' to be specified")]
    [InlineData("{$reduce: {input: [], initialValue: 0, in: 1, with: 2}}", 40076, "$reduce found an unknown argument: with")]
    [InlineData("{$let: {in: 1}}", 16876, "Missing 'vars' parameter to $let")]
    [InlineData("{$let: {vars: 1, in: 1}}", 9, "invalid parameter: expected an object (vars)")]
    [InlineData("{$let: {vars: {}, in: 1, out: 2}}", 16875, "Unrecognized parameter to $let: out")]
    [InlineData("{$trim: {input: 'a', what: 1}}", 9, "$trim found an unknown argument: what")]
    public void Bad_expressions_fail_to_parse(string expression, int code, string message)
    {
        var e = Fails(() => ExpressionParser.Parse(Val(expression)));
        Assert.Equal(code, e.Code);
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{$add: ['$s', 1]}", 16554, "$add only supports numeric or date types, not string")]
    [InlineData("{$multiply: ['$s', 1]}", 16555, "$multiply only supports numeric types, not string")]
    [InlineData("{$subtract: ['$s', 1]}", 16556, "can't $subtract int from string")]
    [InlineData("{$divide: ['$a', 0]}", 16608, "can't $divide by zero")]
    [InlineData("{$mod: ['$a', 0]}", 16610, "can't $mod by zero")]
    [InlineData("{$concat: ['$s', 1]}", 16702, "$concat only supports strings, not int")]
    [InlineData("{$size: '$a'}", 17124, "The argument to $size must be an array. Type of argument: int")]
    [InlineData("{$in: [1, '$a']}", 40081, "$in requires an array as a second argument, found: int")]
    [InlineData("{$arrayElemAt: ['$a', 0]}", 28689, "$arrayElemAt's first argument must be an array, but is int")]
    [InlineData("{$toInt: 'abc'}", 241, "Failed to parse number 'abc'")]
    [InlineData("{$toInt: 3000000000}", 241, "Conversion would overflow target type")]
    [InlineData("{$toInt: '$sub'}", 241, "Unsupported conversion from object to int")]
    public void Bad_operands_fail_at_evaluation(string expression, int code, string message)
    {
        var e = Fails(() => Eval(expression));
        Assert.Equal(code, e.Code);
        Assert.StartsWith(message, e.Message, StringComparison.Ordinal);
    }
}
