package net.twinblock.iscsi.scsi;

import java.nio.ByteBuffer;
import java.util.EnumMap;
import java.util.Map;

/**
 * Current mode page values of one LU, shared by every I_T nexus (SPC-4: mode parameters are
 * per LU unless a page says otherwise). Kept in memory only: we do not support saved pages,
 * so a restart returns to the defaults. On a pair the primary's are the LU's: it runs every
 * MODE SELECT and gives the secondary the result ({@link #encode}, {@link #adopt}).
 */
final class ModeParameters {

    private final Map<ModePage, byte[]> current = new EnumMap<>(ModePage.class);
    /** Counts changes, so a secondary never adopts an older set over a newer one. */
    private long version;
    /** Read on every write command, hence a volatile copy of the SWP bit. */
    private volatile boolean softwareWriteProtect;

    ModeParameters() {
        for (ModePage p : ModePage.values()) {
            current.put(p, p.defaults());
        }
    }

    boolean softwareWriteProtect() {
        return softwareWriteProtect;
    }

    /** The page for a page control: 0 current, 1 changeable mask, 2 default. */
    synchronized byte[] page(ModePage page, int pageControl) {
        return switch (pageControl) {
            case 0 -> current.get(page).clone();
            case 1 -> page.changeable();
            default -> page.defaults();
        };
    }

    /** Installs validated pages at once. Returns true if any value changed. */
    synchronized boolean apply(Map<ModePage, byte[]> pages) {
        boolean changed = false;
        for (Map.Entry<ModePage, byte[]> e : pages.entrySet()) {
            byte[] page = e.getValue().clone();
            page[0] &= 0x3f; // PS is reserved in MODE SELECT; keep the stored page clean
            byte[] old = current.put(e.getKey(), page);
            changed |= !java.util.Arrays.equals(old, page);
        }
        softwareWriteProtect = (current.get(ModePage.CONTROL)[ModePage.SWP_BYTE] & ModePage.SWP) != 0;
        if (changed) {
            version++;
        }
        return changed;
    }

    /** The version and every current page, in ModePage order, for the other node of a pair. */
    synchronized byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(8 + current.values().stream().mapToInt(p -> p.length).sum());
        b.putLong(version);
        current.values().forEach(b::put);
        return b.array();
    }

    /**
     * Takes the deciding node's pages from {@link #encode}, unless this node already has that
     * version or a newer one. Returns true if any value changed; IllegalArgumentException if the
     * bytes are not such pages.
     */
    synchronized boolean adopt(byte[] encoded) {
        ByteBuffer b = ByteBuffer.wrap(encoded);
        Map<ModePage, byte[]> pages = new EnumMap<>(ModePage.class);
        try {
            long v = b.getLong();
            for (ModePage p : ModePage.values()) {
                byte[] page = new byte[p.length()];
                b.get(page);
                pages.put(p, page);
            }
            if (b.hasRemaining()) {
                throw new IllegalArgumentException("mode pages with " + b.remaining() + " bytes left over");
            }
            if (v <= version) {
                return false;
            }
            boolean changed = apply(pages);
            version = v;
            return changed;
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("truncated mode pages", e);
        }
    }
}
