using System.Collections.Frozen;
using System.Globalization;
using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Expressions;

/// <summary>The table of expression operators the sandbox evaluates, with their arities.</summary>
internal static class ExpressionOperators
{
    public delegate RawBsonValue Implementation(Expression[] arguments, in EvaluationContext context);

    private static readonly FrozenDictionary<string, Definition> Table = new Dictionary<string, Definition>(StringComparer.Ordinal)
    {
        ["$add"] = new(ArithmeticOperators.Add, 0, int.MaxValue),
        ["$subtract"] = new(ArithmeticOperators.Subtract, 2, 2),
        ["$multiply"] = new(ArithmeticOperators.Multiply, 0, int.MaxValue),
        ["$divide"] = new(ArithmeticOperators.Divide, 2, 2),
        ["$mod"] = new(ArithmeticOperators.Mod, 2, 2),
        ["$abs"] = new(ArithmeticOperators.Abs, 1, 1),
        ["$concat"] = new(StringOperators.Concat, 0, int.MaxValue),
        ["$toLower"] = new(StringOperators.ToLower, 1, 1),
        ["$toUpper"] = new(StringOperators.ToUpper, 1, 1),
        ["$eq"] = new(static (a, in c) => BsonValues.Boolean(Compare(a, c) == 0), 2, 2),
        ["$ne"] = new(static (a, in c) => BsonValues.Boolean(Compare(a, c) != 0), 2, 2),
        ["$gt"] = new(static (a, in c) => BsonValues.Boolean(Compare(a, c) > 0), 2, 2),
        ["$gte"] = new(static (a, in c) => BsonValues.Boolean(Compare(a, c) >= 0), 2, 2),
        ["$lt"] = new(static (a, in c) => BsonValues.Boolean(Compare(a, c) < 0), 2, 2),
        ["$lte"] = new(static (a, in c) => BsonValues.Boolean(Compare(a, c) <= 0), 2, 2),
        ["$cmp"] = new(static (a, in c) => BsonValues.Int32(Compare(a, c)), 2, 2),
        ["$and"] = new(And, 0, int.MaxValue),
        ["$or"] = new(Or, 0, int.MaxValue),
        ["$not"] = new(static (a, in c) => BsonValues.Boolean(!Truth.IsTrue(a[0].Evaluate(c))), 1, 1),
        ["$cond"] = new(Cond, 3, 3) { ParseArguments = ParseCondDocument },
        ["$ifNull"] = new(IfNull, 2, int.MaxValue),
        ["$in"] = new(In, 2, 2),
        ["$size"] = new(Size, 1, 1),
        ["$arrayElemAt"] = new(ArrayElemAt, 2, 2),
        ["$type"] = new(static (a, in c) => BsonValues.String(BsonValues.TypeName(a[0].Evaluate(c).Type)), 1, 1),
        ["$isArray"] = new(static (a, in c) => BsonValues.Boolean(a[0].Evaluate(c).Type == BsonTypeCode.Array), 1, 1),
        ["$toString"] = new(static (a, in c) => Conversions.ToStringValue(a[0].Evaluate(c)), 1, 1),
        ["$toInt"] = new(static (a, in c) => Conversions.ToInt(a[0].Evaluate(c)), 1, 1),
        ["$toLong"] = new(static (a, in c) => Conversions.ToLong(a[0].Evaluate(c)), 1, 1),
        ["$toDouble"] = new(static (a, in c) => Conversions.ToDouble(a[0].Evaluate(c)), 1, 1),
        ["$toBool"] = new(static (a, in c) => Conversions.ToBool(a[0].Evaluate(c)), 1, 1),
        ["$toDecimal"] = new(static (a, in c) => Conversions.ToDecimal(a[0].Evaluate(c)), 1, 1),
        ["$convert"] = new(ConvertOperator.Evaluate, 4, 4) { ParseArguments = ConvertOperator.Parse },
        ["$round"] = new(RoundingOperators.Round, 1, 2),
        ["$trunc"] = new(RoundingOperators.Trunc, 1, 2),
        ["$max"] = new(static (a, in c) => MinMax(a, c, max: true), 1, int.MaxValue),
        ["$min"] = new(static (a, in c) => MinMax(a, c, max: false), 1, int.MaxValue),
        ["$sum"] = new(static (a, in c) => SumOrAverage(a, c, average: false), 1, int.MaxValue),
        ["$avg"] = new(static (a, in c) => SumOrAverage(a, c, average: true), 1, int.MaxValue),
        ["$concatArrays"] = new(ConcatArrays, 0, int.MaxValue),
        ["$substrCP"] = new(StringFunctions.SubstrCP, 3, 3),
        ["$strLenCP"] = new(StringFunctions.StrLenCP, 1, 1),
        ["$split"] = new(StringFunctions.Split, 2, 2),
        ["$trim"] = new(StringFunctions.Trim(start: true, end: true), 2, 2) { ParseArguments = StringFunctions.ParseTrim },
        ["$ltrim"] = new(StringFunctions.Trim(start: true, end: false), 2, 2) { ParseArguments = StringFunctions.ParseTrim },
        ["$rtrim"] = new(StringFunctions.Trim(start: false, end: true), 2, 2) { ParseArguments = StringFunctions.ParseTrim },
        ["$regexMatch"] = new(StringFunctions.RegexMatch, 3, 3) { ParseArguments = StringFunctions.ParseRegex },
        ["$dateToString"] = new(DateOperators.DateToString, 4, 4) { ParseArguments = DateOperators.ParseDateToString },
        ["$year"] = new(DateOperators.Part(static d => d.Year), 1, 2) { ParseArguments = DateOperators.ParseDatePart },
        ["$month"] = new(DateOperators.Part(static d => d.Month), 1, 2) { ParseArguments = DateOperators.ParseDatePart },
        ["$dayOfMonth"] = new(DateOperators.Part(static d => d.Day), 1, 2) { ParseArguments = DateOperators.ParseDatePart },
        ["$dayOfYear"] = new(DateOperators.Part(static d => d.DayOfYear), 1, 2) { ParseArguments = DateOperators.ParseDatePart },
        ["$dayOfWeek"] = new(DateOperators.Part(static d => (int)d.DayOfWeek + 1), 1, 2) { ParseArguments = DateOperators.ParseDatePart },
        ["$hour"] = new(DateOperators.Part(static d => d.Hour), 1, 2) { ParseArguments = DateOperators.ParseDatePart },
        ["$minute"] = new(DateOperators.Part(static d => d.Minute), 1, 2) { ParseArguments = DateOperators.ParseDatePart },
        ["$second"] = new(DateOperators.Part(static d => d.Second), 1, 2) { ParseArguments = DateOperators.ParseDatePart },
        ["$millisecond"] = new(DateOperators.Part(static d => d.Millisecond), 1, 2) { ParseArguments = DateOperators.ParseDatePart },
    }.ToFrozenDictionary(StringComparer.Ordinal);

    public static bool TryGet(string name, out Definition definition) => Table.TryGetValue(name, out definition!);

    /// <summary>How an operator is evaluated and how many arguments it takes.</summary>
    internal sealed record Definition(Implementation Evaluate, int MinArguments, int MaxArguments)
    {
        public bool TakesArrayAsSingleArgument { get; init; }

        /// <summary>Parses a non-array argument specially (the document form of $cond).</summary>
        public Func<RawBsonValue, VariableScope?, Expression[]>? ParseArguments { get; init; }

        public void CheckArity(string name, int count)
        {
            if (MinArguments == MaxArguments && count != MinArguments)
            {
                throw new CommandException(16020, $"Expression {name} takes exactly {MinArguments} arguments. {count} were passed in.");
            }

            if (count < MinArguments)
            {
                throw new CommandException(16020, $"Expression {name} takes at least {MinArguments} arguments, and at most {(MaxArguments == int.MaxValue ? "any number of" : MaxArguments.ToString(CultureInfo.InvariantCulture))}. {count} were passed in.");
            }

            if (count > MaxArguments)
            {
                throw new CommandException(16020, $"Expression {name} takes at most {MaxArguments} arguments. {count} were passed in.");
            }
        }
    }

    private static int Compare(Expression[] arguments, in EvaluationContext context) =>
        BsonOrder.CompareValues(arguments[0].Evaluate(context), arguments[1].Evaluate(context));

    private static RawBsonValue And(Expression[] arguments, in EvaluationContext context)
    {
        foreach (var argument in arguments)
        {
            if (!Truth.IsTrue(argument.Evaluate(context)))
            {
                return BsonValues.False;
            }
        }

        return BsonValues.True;
    }

    private static RawBsonValue Or(Expression[] arguments, in EvaluationContext context)
    {
        foreach (var argument in arguments)
        {
            if (Truth.IsTrue(argument.Evaluate(context)))
            {
                return BsonValues.True;
            }
        }

        return BsonValues.False;
    }

    private static RawBsonValue Cond(Expression[] arguments, in EvaluationContext context) =>
        Truth.IsTrue(arguments[0].Evaluate(context)) ? arguments[1].Evaluate(context) : arguments[2].Evaluate(context);

    private static Expression[] ParseCondDocument(RawBsonValue argument, VariableScope? scope)
    {
        if (argument.Type != BsonTypeCode.Document)
        {
            return [ExpressionParser.Parse(argument, scope)];
        }

        var read = NamedArguments.Read(argument.AsDocument, ["if", "then", "else"], key => new CommandException(17083, $"Unrecognized parameter to $cond: {key}"));
        return
        [
            ExpressionParser.Parse(read.Required("if", 17080, "Missing 'if' parameter to $cond"), scope),
            ExpressionParser.Parse(read.Required("then", 17081, "Missing 'then' parameter to $cond"), scope),
            ExpressionParser.Parse(read.Required("else", 17082, "Missing 'else' parameter to $cond"), scope),
        ];
    }

    private static RawBsonValue IfNull(Expression[] arguments, in EvaluationContext context)
    {
        for (var i = 0; i < arguments.Length - 1; i++)
        {
            var value = arguments[i].Evaluate(context);
            if (!value.IsMissing() && !value.IsNullOrUndefined)
            {
                return value;
            }
        }

        return arguments[^1].Evaluate(context);
    }

    private static RawBsonValue In(Expression[] arguments, in EvaluationContext context)
    {
        var needle = arguments[0].Evaluate(context);
        var haystack = arguments[1].Evaluate(context);
        if (haystack.Type != BsonTypeCode.Array)
        {
            throw new CommandException(40081, $"$in requires an array as a second argument, found: {BsonValues.TypeName(haystack.Type)}");
        }

        foreach (var element in haystack.AsDocument)
        {
            if (BsonOrder.CompareValues(needle, element.Value) == 0)
            {
                return BsonValues.True;
            }
        }

        return BsonValues.False;
    }

    private static RawBsonValue Size(Expression[] arguments, in EvaluationContext context)
    {
        var value = arguments[0].Evaluate(context);
        if (value.Type != BsonTypeCode.Array)
        {
            throw new CommandException(17124, $"The argument to $size must be an array. Type of argument: {BsonValues.TypeName(value.Type)}");
        }

        return BsonValues.Int32(value.AsDocument.Count());
    }

    private static RawBsonValue ArrayElemAt(Expression[] arguments, in EvaluationContext context)
    {
        var array = arguments[0].Evaluate(context);
        var index = arguments[1].Evaluate(context);
        if (array.IsMissing() || array.IsNullOrUndefined || index.IsMissing() || index.IsNullOrUndefined)
        {
            return BsonValues.Null;
        }

        if (array.Type != BsonTypeCode.Array)
        {
            throw new CommandException(28689, $"$arrayElemAt's first argument must be an array, but is {BsonValues.TypeName(array.Type)}");
        }

        if (!index.IsNumeric)
        {
            throw new CommandException(28690, $"$arrayElemAt's second argument must be a numeric value, but is {BsonValues.TypeName(index.Type)}");
        }

        if (!index.TryGetInt64(out var i) || i is > int.MaxValue or < int.MinValue)
        {
            throw new CommandException(28691, $"$arrayElemAt's second argument must be representable as a 32-bit integer: {BsonDebugText.Format(index)}");
        }

        var items = array.AsDocument.Values();
        var position = i < 0 ? items.Count + i : i;
        return position >= 0 && position < items.Count ? items[(int)position] : BsonValues.Missing;
    }

    private static RawBsonValue ConcatArrays(Expression[] arguments, in EvaluationContext context)
    {
        var result = new List<RawBsonValue>();
        foreach (var argument in arguments)
        {
            var value = argument.Evaluate(context);
            if (value.IsMissing() || value.IsNullOrUndefined)
            {
                return BsonValues.Null;
            }

            if (value.Type != BsonTypeCode.Array)
            {
                throw new CommandException(28664, $"$concatArrays only supports arrays, not {BsonValues.TypeName(value.Type)}");
            }

            result.AddRange(value.AsDocument.Values());
        }

        return BsonValues.Array(result);
    }

    /// <summary>$max and $min: over the elements of a single array argument, else over the arguments; nulls are ignored.</summary>
    private static RawBsonValue MinMax(Expression[] arguments, in EvaluationContext context, bool max)
    {
        RawBsonValue best = default;
        foreach (var value in Operands(arguments, context))
        {
            if (value.IsMissing() || value.IsNullOrUndefined)
            {
                continue;
            }

            if (best.IsMissing() || (max ? BsonOrder.CompareValues(value, best) > 0 : BsonOrder.CompareValues(value, best) < 0))
            {
                best = value;
            }
        }

        return best.IsMissing() ? BsonValues.Null : best;
    }

    /// <summary>$sum and $avg: numbers only, other values ignored; an empty $sum is 0 and an empty $avg null.</summary>
    private static RawBsonValue SumOrAverage(Expression[] arguments, in EvaluationContext context, bool average)
    {
        var sum = new NumericSum();
        foreach (var value in Operands(arguments, context))
        {
            sum.Add(value);
        }

        return average ? sum.Average() : sum.Result();
    }

    private static List<RawBsonValue> Operands(Expression[] arguments, in EvaluationContext context)
    {
        var values = new List<RawBsonValue>();
        if (arguments.Length == 1)
        {
            var single = arguments[0].Evaluate(context);
            if (single.Type == BsonTypeCode.Array)
            {
                values.AddRange(single.AsDocument.Values());
            }
            else
            {
                values.Add(single);
            }

            return values;
        }

        foreach (var argument in arguments)
        {
            values.Add(argument.Evaluate(context));
        }

        return values;
    }
}
