using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;

namespace MongoMigrate.Sandbox.Expressions;

/// <summary>Parses aggregation expressions: field paths, variables, literals, documents, arrays and operators.</summary>
public static class ExpressionParser
{
    /// <summary>Parses an expression; unknown operators fail with code 168 "Unrecognized expression '$foo'".</summary>
    public static Expression Parse(RawBsonValue value) => Parse(value, null);

    /// <summary>Parses an expression inside the scope of the user variables it may read.</summary>
    internal static Expression Parse(RawBsonValue value, VariableScope? scope)
    {
        switch (value.Type)
        {
            case BsonTypeCode.String:
                {
                    var text = value.AsString;
                    return text.StartsWith('$') ? ParsePath(text, scope) : new ConstantExpression(value);
                }

            case BsonTypeCode.Document:
                return ParseDocument(value, scope);
            case BsonTypeCode.Array:
                {
                    var items = new List<Expression>();
                    foreach (var element in value.AsDocument)
                    {
                        items.Add(Parse(element.Value, scope));
                    }

                    return new ArrayExpression([.. items]);
                }

            default:
                return new ConstantExpression(value);
        }
    }

    /// <summary>Parses the argument of $expr (the same as any expression).</summary>
    public static Expression ParseTopLevel(RawBsonValue value) => Parse(value);

    internal static Expression ParseTopLevel(RawBsonValue value, VariableScope? scope) => Parse(value, scope);

    private static Expression ParseDocument(RawBsonValue value, VariableScope? scope)
    {
        var document = value.AsDocument;
        if (document.TryGetFirst(out var first) && first.Name.StartsWith('$'))
        {
            if (document.Count() != 1)
            {
                throw new CommandException(15983, "An object representing an expression must have exactly one field: " + BsonDebugText.Format(value));
            }

            return ParseOperator(first.Name, first.Value, scope);
        }

        var fields = new List<KeyValuePair<string, Expression>>();
        foreach (var element in document)
        {
            var name = element.Name;
            ValidateFieldName(name);
            fields.Add(new(name, Parse(element.Value, scope)));
        }

        return new ObjectExpression(fields);
    }

    internal static void ValidateFieldName(string name)
    {
        if (name.Length == 0)
        {
            throw new CommandException(ServerErrorCode.BadValue, "FieldPath field names may not be empty strings.");
        }

        if (name.StartsWith('$'))
        {
            throw new CommandException(16410, $"FieldPath field names may not start with '$'. Consider using $getField or $setField.");
        }

        if (name.Contains('.', StringComparison.Ordinal))
        {
            throw new CommandException(16412, "FieldPath field names may not contain '.'.");
        }
    }

    private static Expression ParseOperator(string name, RawBsonValue argument, VariableScope? scope)
    {
        if (name == "$literal")
        {
            return new ConstantExpression(argument);
        }

        if (VariableOperators.TryParse(name, argument, scope, out var scoped))
        {
            return scoped;
        }

        if (!ExpressionOperators.TryGet(name, out var definition))
        {
            throw new CommandException(ServerErrorCode.InvalidPipelineOperator, $"Unrecognized expression '{name}'");
        }

        Expression[] arguments;
        if (argument.Type == BsonTypeCode.Array && !definition.TakesArrayAsSingleArgument)
        {
            var items = new List<Expression>();
            foreach (var element in argument.AsDocument)
            {
                items.Add(Parse(element.Value, scope));
            }

            arguments = [.. items];
        }
        else if (definition.ParseArguments is not null)
        {
            arguments = definition.ParseArguments(argument, scope);
        }
        else
        {
            arguments = [Parse(argument, scope)];
        }

        definition.CheckArity(name, arguments.Length);
        return new OperatorExpression(name, arguments, definition.Evaluate);
    }

    /// <summary>"$a.b" is a field path; "$$ROOT", "$$CURRENT", "$$REMOVE" and the user variables in scope are the variables the sandbox knows.</summary>
    private static Expression ParsePath(string text, VariableScope? scope)
    {
        if (text.StartsWith("$$", StringComparison.Ordinal))
        {
            var variable = text[2..];
            var dot = variable.IndexOf('.', StringComparison.Ordinal);
            var name = dot < 0 ? variable : variable[..dot];
            switch (name)
            {
                case "ROOT":
                case "CURRENT":
                    {
                        var path = FieldPath.Parse(dot < 0 ? name : variable);
                        ValidatePath(path, text);
                        return new FieldPathExpression(path, 1);
                    }

                case "REMOVE":
                    return RemoveExpression.Instance;
                case "":
                    throw new CommandException(ServerErrorCode.FailedToParse, "empty variable names are not allowed");
                default:
                    if (VariableScope.Find(scope, name) is { } definition)
                    {
                        var path = FieldPath.Parse(variable);
                        ValidatePath(path, text);
                        return new VariableExpression(name, path, definition.Bound);
                    }

                    throw new CommandException(17276, $"Use of undefined variable: {name}");
            }
        }

        if (text.Length == 1)
        {
            throw new CommandException(16872, "'$' by itself is not a valid FieldPath");
        }

        var fieldPath = FieldPath.Parse(text[1..]);
        ValidatePath(fieldPath, text);
        return new FieldPathExpression(fieldPath, 0);
    }

    private static void ValidatePath(FieldPath path, string text)
    {
        foreach (var part in path.Parts)
        {
            if (part.Length == 0)
            {
                throw new CommandException(15998, "FieldPath field names may not be empty strings.");
            }

            if (part.StartsWith('$') && part != path.Parts[0])
            {
                throw new CommandException(16410, $"FieldPath field names may not start with '$'. Consider using $getField or $setField. ({text})");
            }
        }
    }
}
