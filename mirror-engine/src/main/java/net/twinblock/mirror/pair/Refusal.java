package net.twinblock.mirror.pair;

import net.twinblock.mirror.link.PeerErrorCode;
import net.twinblock.mirror.link.PeerIdentity;
import net.twinblock.mirror.resync.GenerationHistory;

/** Why a node will not pair with the peer that just authenticated: the ERROR code and a sentence for both logs. */
record Refusal(PeerErrorCode code, String reason) {

    /**
     * The checks both sides make on each other's identity; null if they may pair. Size and block
     * size must match; the volume id must match once the secondary belongs to a pair; a secondary
     * with a newer data generation was promoted meanwhile and must not be overwritten.
     */
    static Refusal check(PeerIdentity primary, PeerIdentity secondary) {
        return ofLun(primary, checkUnnamed(primary, secondary));
    }

    private static Refusal checkUnnamed(PeerIdentity primary, PeerIdentity secondary) {
        Refusal volume = checkVolume(primary, secondary);
        if (volume != null) {
            return volume;
        }
        return checkGeneration(primary, secondary);
    }

    /**
     * {@link #check(PeerIdentity, PeerIdentity)} with both sides' data generation histories (as
     * sent in HELLO_PROOF and HELLO_IDENTITY; null from a node that sends none, which falls back to comparing
     * the plain generation numbers). Refused: a split brain or unrelated data (an administrator
     * must discard one side), and a secondary whose data is newer than the primary's.
     */
    static Refusal check(PeerIdentity primary, PeerIdentity secondary, byte[] primaryGenerations,
            byte[] secondaryGenerations) {
        return ofLun(primary, checkUnnamed(primary, secondary, primaryGenerations, secondaryGenerations));
    }

    /** A pair mirrors several volumes: every refusal says which LUN's link it ends. */
    private static Refusal ofLun(PeerIdentity primary, Refusal r) {
        return r == null ? null : new Refusal(r.code, "LUN " + primary.volume() + ": " + r.reason);
    }

    private static Refusal checkUnnamed(PeerIdentity primary, PeerIdentity secondary, byte[] primaryGenerations,
            byte[] secondaryGenerations) {
        if (primaryGenerations == null || secondaryGenerations == null || !secondary.paired()) {
            return checkUnnamed(primary, secondary);
        }
        Refusal volume = checkVolume(primary, secondary);
        if (volume != null) {
            return volume;
        }
        GenerationHistory p = GenerationHistory.decode(primaryGenerations);
        GenerationHistory s = GenerationHistory.decode(secondaryGenerations);
        GenerationHistory.Verdict verdict = GenerationHistory.compare(p, s);
        if (verdict.refusesConnection()) {
            return new Refusal(PeerErrorCode.GENERATION_CONFLICT, (verdict == GenerationHistory.Verdict.SPLIT_BRAIN
                    ? "split brain: both nodes took writes while apart" : "the nodes hold unrelated data")
                    + "; refusing to connect until an administrator discards one side's data with"
                    + " `twinblock resolve --discard NAME`, NAME the node whose writes are dropped ("
                    + primary.nodeId() + " or " + secondary.nodeId() + "), run against either node ("
                    + primary.nodeId() + ", the primary: " + p.describe() + "; " + secondary.nodeId()
                    + ", the secondary: " + s.describe() + ")");
        }
        if (verdict.peerIsSource()) {
            return new Refusal(PeerErrorCode.GENERATION_CONFLICT, "the secondary holds newer data than the primary"
                    + " (it was promoted meanwhile); refusing to overwrite it: restart this node as its secondary"
                    + " (primary: " + p.describe() + "; secondary: " + s.describe() + ")");
        }
        return null;
    }

    private static Refusal checkVolume(PeerIdentity primary, PeerIdentity secondary) {
        if (primary.sizeBytes() != secondary.sizeBytes()) {
            return new Refusal(PeerErrorCode.VOLUME_MISMATCH, "volume sizes differ: primary "
                    + primary.sizeBytes() + " bytes, secondary " + secondary.sizeBytes() + " bytes");
        }
        if (primary.blockSize() != secondary.blockSize()) {
            return new Refusal(PeerErrorCode.VOLUME_MISMATCH, "block sizes differ: primary "
                    + primary.blockSize() + " bytes, secondary " + secondary.blockSize() + " bytes");
        }
        if (secondary.paired() && !secondary.volumeId().equals(primary.volumeId())) {
            return new Refusal(PeerErrorCode.VOLUME_MISMATCH, "volume ids differ: primary "
                    + primary.volumeId() + ", secondary " + secondary.volumeId()
                    + " (the secondary belongs to another pair)");
        }
        return null;
    }

    private static Refusal checkGeneration(PeerIdentity primary, PeerIdentity secondary) {
        if (secondary.paired() && secondary.generation() > primary.generation()) {
            return new Refusal(PeerErrorCode.GENERATION_CONFLICT, "the secondary's data generation "
                    + secondary.generation() + " is newer than the primary's " + primary.generation()
                    + ": it was promoted meanwhile; refusing to overwrite it (split brain)");
        }
        return null;
    }
}
