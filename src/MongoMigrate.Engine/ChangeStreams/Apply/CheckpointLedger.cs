using MongoMigrate.Bson;

namespace MongoMigrate.Engine.ChangeStreams.Apply;

/// <summary>
/// Checkpoints proposed by the dispatcher and not yet reached. A proposal at spool sequence S records how
/// many changes each lane had been dealt when the dispatcher had read everything before S; it is reached
/// once every lane has applied that many and no change before S waits for its collection's copy. The
/// newest reached proposal is the checkpoint: every record before it is applied, whichever lane had it.
/// </summary>
internal sealed class CheckpointLedger(int maxProposals = 64)
{
    private readonly Lock _lock = new();
    private readonly LinkedList<Proposal> _proposals = new();

    /// <summary>Proposes a checkpoint; when too many wait, the newest waiting one is replaced (the oldest keeps its place).</summary>
    public void Propose(long sequence, RawDocument token, ulong clusterTime, long[] laneTargets, long waitingBefore)
    {
        lock (_lock)
        {
            if (_proposals.Last is { } last && last.Value.Sequence >= sequence)
            {
                return;
            }

            if (_proposals.Count >= maxProposals)
            {
                _proposals.RemoveLast();
            }

            _proposals.AddLast(new Proposal(sequence, token, clusterTime, laneTargets, waitingBefore < sequence));
        }
    }

    /// <summary>
    /// Changes of a collection that became ready were dealt after the proposals were made: each proposal now
    /// also waits for them, and is blocked only if a change before it still waits for a copy.
    /// </summary>
    public void CaughtUp(long[] laneDealt, long waitingBefore)
    {
        lock (_lock)
        {
            for (var node = _proposals.First; node is not null; node = node.Next)
            {
                var p = node.Value;
                var targets = p.LaneTargets.Zip(laneDealt, Math.Max).ToArray();
                node.Value = p with { LaneTargets = targets, Blocked = waitingBefore < p.Sequence };
            }
        }
    }

    /// <summary>Takes the newest proposal reached (dropping those before it), or null.</summary>
    public Proposal? TakeReached(Func<int, long> laneApplied)
    {
        Proposal? reached = null;
        lock (_lock)
        {
            while (_proposals.First is { } first && IsReached(first.Value, laneApplied))
            {
                reached = first.Value;
                _proposals.RemoveFirst();
            }
        }

        return reached;
    }

    private static bool IsReached(Proposal proposal, Func<int, long> laneApplied)
    {
        if (proposal.Blocked)
        {
            return false;
        }

        for (var lane = 0; lane < proposal.LaneTargets.Length; lane++)
        {
            if (laneApplied(lane) < proposal.LaneTargets[lane])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>One proposed checkpoint.</summary>
    internal sealed record Proposal(long Sequence, RawDocument Token, ulong ClusterTime, long[] LaneTargets, bool Blocked);
}
