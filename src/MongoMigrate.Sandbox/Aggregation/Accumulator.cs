using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Aggregation;

/// <summary>The running state of one group accumulator.</summary>
internal abstract class Accumulator
{
    public static bool IsKnown(string name) =>
        name is "$sum" or "$avg" or "$min" or "$max" or "$first" or "$last" or "$push" or "$addToSet" or "$count";

    public static Accumulator Create(string name) => name switch
    {
        "$sum" => new SumAccumulator(average: false),
        "$avg" => new SumAccumulator(average: true),
        "$min" => new MinMaxAccumulator(max: false),
        "$max" => new MinMaxAccumulator(max: true),
        "$first" => new FirstLastAccumulator(last: false),
        "$last" => new FirstLastAccumulator(last: true),
        "$push" => new PushAccumulator(distinct: false),
        "$addToSet" => new PushAccumulator(distinct: true),
        _ => throw new CommandException(ServerErrorCode.Location15952, $"unknown group operator '{name}'"),
    };

    public abstract void Add(RawBsonValue value);

    public abstract RawBsonValue Result();

    private sealed class SumAccumulator(bool average) : Accumulator
    {
        private NumericSum _sum;

        public override void Add(RawBsonValue value) => _sum.Add(value);

        public override RawBsonValue Result() => average ? _sum.Average() : _sum.Result();
    }

    private sealed class MinMaxAccumulator(bool max) : Accumulator
    {
        private RawBsonValue _best;

        public override void Add(RawBsonValue value)
        {
            if (value.IsMissing() || value.IsNullOrUndefined)
            {
                return;
            }

            if (_best.IsMissing())
            {
                _best = value;
                return;
            }

            var c = BsonOrder.CompareValues(value, _best);
            if (max ? c > 0 : c < 0)
            {
                _best = value;
            }
        }

        public override RawBsonValue Result() => _best.IsMissing() ? BsonValues.Null : _best;
    }

    private sealed class FirstLastAccumulator(bool last) : Accumulator
    {
        private RawBsonValue _value;
        private bool _seen;

        public override void Add(RawBsonValue value)
        {
            if (!_seen || last)
            {
                _value = value;
                _seen = true;
            }
        }

        public override RawBsonValue Result() => _value.IsMissing() ? BsonValues.Null : _value;
    }

    private sealed class PushAccumulator(bool distinct) : Accumulator
    {
        private readonly List<RawBsonValue> _values = [];
        private readonly HashSet<RawBsonValue> _seen = new(BsonOrder.Instance);

        public override void Add(RawBsonValue value)
        {
            if (value.IsMissing())
            {
                return;
            }

            if (!distinct || _seen.Add(value))
            {
                _values.Add(value);
            }
        }

        public override RawBsonValue Result() => BsonValues.Array(_values);
    }
}
