using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Query;

/// <summary>$in: equality with any listed value (a null in the list also matches missing and undefined), or any listed regex.</summary>
internal sealed class InPredicate : ValuePredicate
{
    private readonly HashSet<RawBsonValue> _values;
    private readonly RegexPredicate[] _regexes;
    private readonly bool _hasNull;

    public InPredicate(IReadOnlyList<RawBsonValue> values, IReadOnlyList<RegexPredicate> regexes)
    {
        _values = new HashSet<RawBsonValue>(values, BsonOrder.Instance);
        _regexes = [.. regexes];
        foreach (var value in values)
        {
            _hasNull |= value.Type == BsonTypeCode.Null;
        }

        Values = values;
    }

    public IReadOnlyList<RawBsonValue> Values { get; }

    public bool HasRegexes => _regexes.Length > 0;

    public override bool Matches(RawBsonValue value)
    {
        if (_hasNull && value.Type is BsonTypeCode.EndOfDocument or BsonTypeCode.Undefined)
        {
            return true;
        }

        if (_values.Count > 0 && _values.Contains(value))
        {
            return true;
        }

        foreach (var regex in _regexes)
        {
            if (regex.Matches(value))
            {
                return true;
            }
        }

        return false;
    }
}
