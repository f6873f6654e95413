package net.twinblock.iscsi.session;

import io.netty.util.collection.IntObjectHashMap;
import java.util.function.IntSupplier;

/**
 * The session's command numbering window (RFC 7143 §4.2.2.1). Non-immediate PDUs are delivered
 * strictly in CmdSN order: a PDU that arrives early is held until the gap before it is filled,
 * one outside [ExpCmdSN, MaxCmdSN] or already seen is dropped without an answer, as the RFC
 * requires. The window is a fixed size, so at most that many PDUs are ever held.
 *
 * <p>Touched only on the connection's event loop.
 */
final class CommandWindow {

    /** What to do once a PDU's turn in CmdSN order comes. */
    interface Delivery {
        void deliver();

        /** The session ended while the PDU was still waiting for an earlier CmdSN. */
        void discard();
    }

    private final int size;
    private final IntSupplier slotsTaken;
    /** By CmdSN, primitive keys: a boxed key and an entry per command otherwise. */
    private final IntObjectHashMap<Delivery> held = new IntObjectHashMap<>();
    private int expCmdSn;

    CommandWindow(int expCmdSn, int size) {
        this(expCmdSn, size, () -> 0);
    }

    /** @param slotsTaken delivered commands not yet answered (the session's {@link TaskSet#slotsTaken()}) */
    CommandWindow(int expCmdSn, int size, IntSupplier slotsTaken) {
        if (size < 1) {
            throw new IllegalArgumentException("command window must be at least 1, got " + size);
        }
        this.expCmdSn = expCmdSn;
        this.size = size;
        this.slotsTaken = slotsTaken;
    }

    int expCmdSn() {
        return expCmdSn;
    }

    int maxCmdSn() {
        return expCmdSn + size - 1 - slotsTaken.getAsInt();
    }

    /** True if a non-immediate PDU with this CmdSN would be accepted now. */
    boolean accepts(int cmdSn) {
        // A closed window (MaxCmdSN = ExpCmdSN - 1) is empty, not the whole number circle.
        return size - slotsTaken.getAsInt() > 0 && SerialNumber.inWindow(cmdSn, expCmdSn, maxCmdSn())
                && !held.containsKey(cmdSn);
    }

    /** True if {@code cmdSn} is in the window and nothing with that number has arrived yet. */
    boolean notYetReceived(int cmdSn) {
        return accepts(cmdSn);
    }

    /**
     * Offers a non-immediate PDU. Returns false (and does nothing) when it is outside the window
     * or a duplicate; otherwise runs it, and every held PDU it unblocks, in order.
     */
    boolean offer(int cmdSn, Delivery delivery) {
        if (!accepts(cmdSn)) {
            return false;
        }
        held.put(cmdSn, delivery);
        Delivery next;
        while ((next = held.remove(expCmdSn)) != null) {
            expCmdSn++;
            next.deliver();
        }
        return true;
    }

    /** The session is ending: whatever still waits for a gap to fill is discarded. */
    void discardHeld() {
        for (Delivery d : held.values()) {
            d.discard();
        }
        held.clear();
    }

    int heldCount() {
        return held.size();
    }
}
