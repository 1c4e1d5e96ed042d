using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;
using MongoMigrate.Sandbox.Expressions;

namespace MongoMigrate.Sandbox.Query;

/// <summary>Turns a filter document into match nodes, failing on bad input with the server's codes and messages.</summary>
internal static class FilterParser
{
    private const int MaxDepth = 100;

    public static MatchNode ParseDocument(RawDocument filter, int depth, VariableScope? scope = null)
    {
        if (depth > MaxDepth)
        {
            throw new CommandException(ServerErrorCode.BadValue, $"exceeded maximum query tree depth of {MaxDepth}");
        }

        var children = new List<MatchNode>();
        foreach (var element in filter)
        {
            var name = element.Name;
            if (name.StartsWith('$'))
            {
                var node = ParseTopLevelOperator(name, element.Value, depth, scope);
                if (node is not null)
                {
                    children.Add(node);
                }

                continue;
            }

            children.Add(ParseField(FieldPath.Parse(name), element.Value, depth));
        }

        return children.Count switch
        {
            0 => ConstantNode.True,
            1 => children[0],
            _ => new AndNode([.. children]),
        };
    }

    private static MatchNode? ParseTopLevelOperator(string name, RawBsonValue value, int depth, VariableScope? scope)
    {
        switch (name)
        {
            case "$and":
                return new AndNode(ParseClauses(name, value, depth, scope));
            case "$or":
                return new OrNode(ParseClauses(name, value, depth, scope));
            case "$nor":
                return new NorNode(ParseClauses(name, value, depth, scope));
            case "$comment":
                return null;
            case "$expr":
                return new ExprNode(ExpressionParser.ParseTopLevel(value, scope));
            case "$alwaysTrue":
            case "$alwaysFalse":
                if (!value.IsNumeric || value.ToDouble() != 1)
                {
                    throw new CommandException(ServerErrorCode.FailedToParse, $"{name} must be an integer value of 1");
                }

                return name == "$alwaysTrue" ? ConstantNode.True : ConstantNode.False;
            case "$where":
            case "$text":
            case "$jsonSchema":
            case "$sampleRate":
                throw new CommandException(ServerErrorCode.BadValue, $"{name} is not supported by the sandbox");
            default:
                throw new CommandException(ServerErrorCode.BadValue, $"unknown top level operator: {name}. If you have a field name that starts with a '$' symbol, consider using $getField or $setField.");
        }
    }

    private static MatchNode[] ParseClauses(string name, RawBsonValue value, int depth, VariableScope? scope)
    {
        if (value.Type != BsonTypeCode.Array)
        {
            throw new CommandException(ServerErrorCode.BadValue, $"{name} must be an array");
        }

        var clauses = new List<MatchNode>();
        foreach (var element in value.AsDocument)
        {
            if (element.Value.Type != BsonTypeCode.Document)
            {
                throw new CommandException(ServerErrorCode.BadValue, "$or/$and/$nor entries need to be full objects");
            }

            clauses.Add(ParseDocument(element.Value.AsDocument, depth + 1, scope));
        }

        if (clauses.Count == 0)
        {
            throw new CommandException(ServerErrorCode.BadValue, "$and/$or/$nor must be a nonempty array");
        }

        return [.. clauses];
    }

    private static MatchNode ParseField(FieldPath path, RawBsonValue value, int depth)
    {
        if (value.Type == BsonTypeCode.RegularExpression)
        {
            return new PathMatchNode(path, RegexPredicate.FromValue(value));
        }

        if (IsOperatorDocument(value))
        {
            return FieldOperatorParser.ParseOperators(value.AsDocument, depth).Bind(path);
        }

        return new PathMatchNode(path, new ComparisonPredicate(ComparisonKind.Equal, value));
    }

    /// <summary>A document whose first field starts with '$' holds operators, unless it is a DBRef.</summary>
    public static bool IsOperatorDocument(RawBsonValue value)
    {
        if (value.Type != BsonTypeCode.Document || !value.AsDocument.TryGetFirst(out var first))
        {
            return false;
        }

        var name = first.Utf8Name.Span;
        return name.Length > 0 && name[0] == (byte)'$' && !first.NameEquals("$ref") && !first.NameEquals("$id") && !first.NameEquals("$db");
    }
}
