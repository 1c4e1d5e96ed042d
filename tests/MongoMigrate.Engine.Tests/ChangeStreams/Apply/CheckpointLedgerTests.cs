using MongoMigrate.Bson;
using MongoMigrate.Engine.ChangeStreams.Apply;

namespace MongoMigrate.Engine.Tests.ChangeStreams.Apply;

public class CheckpointLedgerTests
{
    private static readonly RawDocument Token = new BsonBuilder().StartDocument().String("_data", "82").End().ToDocument();

    [Fact]
    public void A_checkpoint_is_reached_only_when_every_lane_applied_what_it_was_dealt_before_it()
    {
        var ledger = new CheckpointLedger();
        long[] applied = [0, 0];
        ledger.Propose(10, Token, 100, [3, 2], long.MaxValue);
        ledger.Propose(20, Token, 200, [5, 2], long.MaxValue);

        applied[0] = 3;
        Assert.Null(ledger.TakeReached(lane => applied[lane]));
        applied[1] = 2;
        Assert.Equal(10, ledger.TakeReached(lane => applied[lane])!.Sequence);
        applied[0] = 5;
        Assert.Equal(20, ledger.TakeReached(lane => applied[lane])!.Sequence);
        Assert.Null(ledger.TakeReached(lane => applied[lane]));
    }

    [Fact]
    public void A_change_held_back_for_a_copy_blocks_later_checkpoints_until_it_is_dealt_and_applied()
    {
        var ledger = new CheckpointLedger();
        long[] applied = [0];
        ledger.Propose(5, Token, 50, [0], waitingBefore: long.MaxValue);
        ledger.Propose(10, Token, 100, [0], waitingBefore: 7);
        Assert.Equal(5, ledger.TakeReached(lane => applied[lane])!.Sequence);
        Assert.Null(ledger.TakeReached(lane => applied[lane]));

        // The collection became ready: its held-back change was dealt to the lane, and the checkpoint waits for it.
        ledger.CaughtUp([1], waitingBefore: long.MaxValue);
        Assert.Null(ledger.TakeReached(lane => applied[lane]));
        applied[0] = 1;
        Assert.Equal(10, ledger.TakeReached(lane => applied[lane])!.Sequence);
    }

    [Fact]
    public void Too_many_waiting_proposals_keep_the_oldest_and_the_newest()
    {
        var ledger = new CheckpointLedger(maxProposals: 3);
        for (var sequence = 1; sequence <= 10; sequence++)
        {
            ledger.Propose(sequence, Token, (ulong)sequence, [sequence], long.MaxValue);
        }

        long[] applied = [1];
        Assert.Equal(1, ledger.TakeReached(lane => applied[lane])!.Sequence);
        applied[0] = 10;
        Assert.Equal(10, ledger.TakeReached(lane => applied[lane])!.Sequence);
    }
}
