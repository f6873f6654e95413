package net.twinblock.mirror.pair;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import net.twinblock.mirror.resync.GenerationHistory;

/**
 * What a node knows of its partner across handshakes, and of a split brain between them: the
 * partner's name and generations as last seen, the refusal shown in status until a link comes
 * up, and, on the survivor, the administrator's {@link DiscardOrder} until one handshake carries it.
 * Written on event loops and the admin thread; every field is one volatile value.
 */
final class SplitBrain {

    private static final Logger LOG = System.getLogger(SplitBrain.class.getName());

    /** Why the last link attempt was refused for the data generations; null once a link is up. */
    private volatile String conflict;
    private volatile String peerName;
    private volatile GenerationHistory peerGenerations;
    private volatile DiscardOrder order;

    /** A handshake told us who the partner is (name null or generations null: not sent). */
    void seen(String name, byte[] generations) {
        if (name != null) {
            peerName = name;
        }
        if (generations != null) {
            peerGenerations = GenerationHistory.decode(generations);
        }
    }

    /** A link attempt was refused for the data generations: shown until a link comes up. */
    void refused(String reason) {
        if (conflict == null) {
            LOG.log(Level.ERROR, "mirror link refused: {0}", reason);
        }
        conflict = reason;
    }

    /** A link is up: nothing to resolve any more, and an order not yet carried is moot. */
    void linked(String name, byte[] generations) {
        seen(name, generations);
        conflict = null;
        order = null;
    }

    /** This node's data was discarded (here, or on the partner's order): the conflict is over. */
    void discarded() {
        conflict = null;
    }

    boolean active() {
        return conflict != null;
    }

    String reason() {
        return conflict;
    }

    String peerName() {
        return peerName;
    }

    GenerationHistory peerGenerations() {
        return peerGenerations;
    }

    /** Keeps the administrator's order; it replaces an earlier one. */
    void order(DiscardOrder o) {
        order = o;
    }

    /**
     * At a handshake this node (the primary) would refuse: the statement to prove if the
     * administrator ordered exactly this partner, in exactly this state, discarded in a split
     * brain with {@code local}; null otherwise. One handshake uses the order: if the partner
     * then refuses it, the pair is refused as before and the administrator decides again.
     */
    byte[] takeOrder(String name, byte[] generations, GenerationHistory local) {
        DiscardOrder o = order;
        if (o == null || generations == null || !o.victim().equals(name)) {
            return null;
        }
        order = null;
        GenerationHistory theirs = GenerationHistory.decode(generations);
        if (!o.matches(name, theirs) || !GenerationHistory.compare(local, theirs).refusesConnection()) {
            LOG.log(Level.WARNING, "the administrator''s order to discard the data of {0} (generations {1}) does"
                    + " not fit it any more (generations now {2}): dropped; resolve again if still wanted", name,
                    o.victimGenerations().describe(), theirs.describe());
            return null;
        }
        LOG.log(Level.WARNING, "ordering {0} to discard its data, as an administrator decided: it becomes a full"
                + " copy of this node (its generations {1}; ours {2})", name, theirs.describe(), local.describe());
        return DiscardOrder.statement(name, theirs, local);
    }

    /** For status: null unless a refusal stands. */
    SplitBrainStatus status(String localName, GenerationHistory local) {
        String why = conflict;
        if (why == null) {
            return null;
        }
        DiscardOrder o = order;
        return new SplitBrainStatus(why, localName, local, peerName, peerGenerations, o == null ? null : o.victim());
    }
}
