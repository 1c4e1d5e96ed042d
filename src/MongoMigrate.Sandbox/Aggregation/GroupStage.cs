using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;
using MongoMigrate.Sandbox.Expressions;

namespace MongoMigrate.Sandbox.Aggregation;

/// <summary>$group (and $sortByCount, which is a $group then a $sort): buffers one accumulator set per key.</summary>
internal sealed class GroupStage(Expression id, IReadOnlyList<(string Field, string Operator, Expression Argument)> accumulators) : PipelineStage
{
    public override string Name => "$group";

    public override IEnumerable<RawDocument> Apply(IEnumerable<RawDocument> input)
    {
        var groups = new Dictionary<RawBsonValue, Accumulator[]>(BsonOrder.Instance);
        var order = new List<RawBsonValue>();
        foreach (var document in input)
        {
            var context = EvaluationContext.ForDocument(document);
            var key = id.Evaluate(context);
            if (key.IsMissing())
            {
                key = BsonValues.Null;
            }

            if (!groups.TryGetValue(key, out var state))
            {
                state = new Accumulator[accumulators.Count];
                for (var i = 0; i < state.Length; i++)
                {
                    state[i] = Accumulator.Create(accumulators[i].Operator);
                }

                groups.Add(key, state);
                order.Add(key);
            }

            for (var i = 0; i < state.Length; i++)
            {
                state[i].Add(accumulators[i].Argument.Evaluate(context));
            }
        }

        foreach (var key in order)
        {
            var state = groups[key];
            var builder = new BsonBuilder();
            builder.StartDocument();
            builder.Value("_id", key);
            for (var i = 0; i < state.Length; i++)
            {
                var value = state[i].Result();
                if (!value.IsMissing())
                {
                    builder.Value(accumulators[i].Field, value);
                }
            }

            builder.End();
            yield return builder.ToDocument();
        }
    }

    /// <summary>The same accumulators grouped by another key ($bucket's bucket).</summary>
    public GroupStage WithId(Expression newId) => new(newId, accumulators);

    /// <summary>Parses {_id: expr, field: {$acc: expr}, ...}.</summary>
    public static GroupStage Parse(RawBsonValue specification, VariableScope? scope = null)
    {
        if (specification.Type != BsonTypeCode.Document)
        {
            throw new CommandException(15947, "a group's fields must be specified in an object");
        }

        Expression? id = null;
        var accumulators = new List<(string, string, Expression)>();
        foreach (var element in specification.AsDocument)
        {
            var name = element.Name;
            if (name == "_id")
            {
                id = ExpressionParser.Parse(element.Value, scope);
                continue;
            }

            if (name.Contains('.', StringComparison.Ordinal))
            {
                throw new CommandException(40235, $"The field name '{name}' cannot contain '.'");
            }

            if (name.StartsWith('$'))
            {
                throw new CommandException(40236, $"The field name '{name}' cannot be an operator name");
            }

            if (element.Value.Type != BsonTypeCode.Document)
            {
                throw new CommandException(40234, $"The field '{name}' must be an accumulator object");
            }

            var spec = element.Value.AsDocument;
            if (spec.Count() != 1 || !spec.TryGetFirst(out var accumulator))
            {
                throw new CommandException(40238, $"The field '{name}' must specify one accumulator");
            }

            var op = accumulator.Name;
            if (!Accumulator.IsKnown(op))
            {
                throw new CommandException(ServerErrorCode.Location15952, $"unknown group operator '{op}'");
            }

            Expression argument;
            if (op == "$count")
            {
                if (accumulator.Value.Type != BsonTypeCode.Document || !accumulator.Value.AsDocument.IsEmpty)
                {
                    throw new CommandException(ServerErrorCode.TypeMismatch, "$count takes no arguments, i.e. $count:{}");
                }

                argument = new ConstantExpression(BsonValues.Int32(1));
                op = "$sum";
            }
            else
            {
                if (accumulator.Value.Type == BsonTypeCode.Array)
                {
                    throw new CommandException(40237, $"The {op} accumulator is a unary operator");
                }

                argument = ExpressionParser.Parse(accumulator.Value, scope);
            }

            accumulators.Add((name, op, argument));
        }

        if (id is null)
        {
            throw new CommandException(15955, "a group specification must include an _id");
        }

        return new GroupStage(id, accumulators);
    }
}
