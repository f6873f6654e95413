package net.twinblock.it;

import java.io.IOException;
import java.util.Arrays;

/**
 * Reads LUN 0 of nodes over iSCSI, as a host sees it, and holds it against a {@link
 * PowerCutLoad}: how many 512-byte blocks differ between two nodes, and how many 4 KiB slots of
 * a node hold content the host may not see (a write covered by a completed flush is missing).
 */
final class PowerCutImages {

    private static final int CHUNK = 256 * 1024;
    private static final int BLOCK = PairClient.BLOCK;

    /** A count of blocks or slots, and the first one (a slot index), or -1 for none. */
    static final class Tally {
        int count;
        int firstSlot = -1;

        void add(int slot) {
            count++;
            firstSlot = firstSlot < 0 ? slot : firstSlot;
        }

        @Override
        public String toString() {
            return count == 0 ? "0" : count + " (first in slot " + firstSlot + ", LBA " + PowerCutLoad.lba(firstSlot) + ")";
        }
    }

    /** Two nodes' LUNs: 512-byte blocks that differ, slots each lost. */
    record Report(Tally differingBlocks, Tally lostOnA, Tally lostOnB) {
    }

    private PowerCutImages() {
    }

    /** Both nodes' whole LUN, block by block, and each against the load's expectations. */
    static Report compare(NodeProcess a, NodeProcess b, PowerCutLoad load, long lunBytes) throws IOException {
        Report r = new Report(new Tally(), new Tally(), new Tally());
        try (PairClient ca = PairClient.login(a, "iqn.2026-01.net.twinblock.it:power-cut-check-a");
                PairClient cb = PairClient.login(b, "iqn.2026-01.net.twinblock.it:power-cut-check-b")) {
            for (long at = 0; at < lunBytes; at += CHUNK) {
                byte[] da = ca.read(at / BLOCK, CHUNK);
                byte[] db = cb.read(at / BLOCK, CHUNK);
                for (int off = 0; off < CHUNK; off += BLOCK) {
                    if (!Arrays.equals(da, off, off + BLOCK, db, off, off + BLOCK)) {
                        r.differingBlocks().add(slot(at, off));
                    }
                }
                tallyLost(da, at, load, r.lostOnA());
                tallyLost(db, at, load, r.lostOnB());
            }
        }
        return r;
    }

    /** Slots of one node whose content the host may not see. */
    static Tally lost(NodeProcess node, PowerCutLoad load, long lunBytes) throws IOException {
        Tally lost = new Tally();
        try (PairClient c = PairClient.login(node, "iqn.2026-01.net.twinblock.it:power-cut-check")) {
            for (long at = 0; at < lunBytes; at += CHUNK) {
                tallyLost(c.read(at / BLOCK, CHUNK), at, load, lost);
            }
        }
        return lost;
    }

    private static void tallyLost(byte[] chunk, long at, PowerCutLoad load, Tally lost) {
        for (int off = 0; off < chunk.length; off += PowerCutLoad.SLOT) {
            int slot = slot(at, off);
            if (!load.acceptable(slot, Arrays.copyOfRange(chunk, off, off + PowerCutLoad.SLOT))) {
                lost.add(slot);
            }
        }
    }

    private static int slot(long chunkStart, int off) {
        return (int) ((chunkStart + off) / PowerCutLoad.SLOT);
    }
}
