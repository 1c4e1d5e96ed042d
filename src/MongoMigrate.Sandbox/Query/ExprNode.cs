using MongoMigrate.Bson;

namespace MongoMigrate.Sandbox.Query;

/// <summary>$expr: an aggregation expression evaluated on the document, matching when truthy.</summary>
internal sealed class ExprNode(Expressions.Expression expression) : MatchNode
{
    public override bool Matches(RawDocument document) => Expressions.Truth.IsTrue(expression.Evaluate(Expressions.EvaluationContext.ForDocument(document)));
}
