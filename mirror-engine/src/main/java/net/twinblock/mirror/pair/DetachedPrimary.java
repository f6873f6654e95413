package net.twinblock.mirror.pair;

import net.twinblock.mirror.link.PeerIdentity;
import net.twinblock.mirror.resync.GenerationHistory;

/**
 * The rule for a primary whose disk is detached ({@code disk.on-error=detach}): its copy is never
 * a resync's source, so it may link only to a secondary whose copy is the current one, and then
 * asks for no copy at all. Every op since the detach went to that secondary alone
 * ({@link Replicator#peerOnly}), so its copy is current if it was before: it holds our data
 * generation (we acknowledged nothing without it since the last one it shares; such a write
 * starts a new generation before it is acknowledged) and it is clean (no resync to it was left
 * unfinished). Anything else leaves no copy known current, and only an administrator can choose
 * one: the link is refused, naming the repair.
 */
final class DetachedPrimary {

    private DetachedPrimary() {
    }

    /**
     * Why {@code secondary} does not hold a current copy for this detached primary (data
     * generations {@code mine}); null if it does and may link without a copy.
     */
    static String whyNotCurrent(GenerationHistory mine, PeerIdentity secondary, byte[] secondaryGenerations) {
        String why = notCurrent(mine, secondary, secondaryGenerations);
        return why == null ? null : "this primary's copy is detached after a disk failure and is no resync source,"
                + " and " + why + ": no copy is known current; to go on with the secondary's data, promote "
                + secondary.nodeId() + " (`twinblock promote`, with --force if it refuses), then repair this node"
                + " (new image and metadata) as its secondary";
    }

    private static String notCurrent(GenerationHistory mine, PeerIdentity secondary, byte[] secondaryGenerations) {
        if (!secondary.paired()) {
            return "the secondary " + secondary.nodeId() + " is new to this pair and holds none of its data";
        }
        if (secondaryGenerations == null || mine.isNone()) {
            return "the data generations cannot tell whether the secondary holds every write";
        }
        GenerationHistory theirs = GenerationHistory.decode(secondaryGenerations);
        GenerationHistory.Verdict v = GenerationHistory.compare(mine, theirs);
        if (v != GenerationHistory.Verdict.IN_SYNC) {
            return "the secondary lacks writes made without it (this primary: " + mine.describe() + "; secondary: "
                    + theirs.describe() + ": " + v + ")";
        }
        if (!secondary.clean()) {
            return "the secondary's copy is not clean (a resync to it was left unfinished)";
        }
        return null;
    }
}
