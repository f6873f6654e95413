package net.twinblock.iscsi.scsi;

import java.util.EnumMap;
import java.util.Map;

/**
 * Current mode page values of one LU, shared by every I_T nexus (SPC-4: mode parameters are
 * per LU unless a page says otherwise). Kept in memory only: we do not support saved pages,
 * so a restart returns to the defaults, and the peer node of a pair never sees them.
 */
final class ModeParameters {

    private final Map<ModePage, byte[]> current = new EnumMap<>(ModePage.class);
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
        return changed;
    }
}
