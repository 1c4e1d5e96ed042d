using MongoMigrate.Bson;
using MongoMigrate.Sandbox.Documents;
using MongoMigrate.Sandbox.Expressions;

namespace MongoMigrate.Sandbox.Aggregation;

/// <summary>$replaceRoot and $replaceWith: the expression's document becomes the document.</summary>
internal sealed class ReplaceRootStage(string name, Expression newRoot) : PipelineStage
{
    public override string Name => name;

    public override IEnumerable<RawDocument> Apply(IEnumerable<RawDocument> input)
    {
        foreach (var document in input)
        {
            var value = newRoot.Evaluate(EvaluationContext.ForDocument(document));
            if (value.Type != BsonTypeCode.Document)
            {
                throw new CommandException(
                    40228,
                    $"'newRoot' expression must evaluate to an object, but resulting value was: {(value.IsMissing() ? "MISSING" : BsonDebugText.Format(value))}. Type of resulting value: '{BsonValues.TypeName(value.Type)}'. Input document: {BsonDebugText.Format(document)}");
            }

            yield return value.AsDocument;
        }
    }
}
