package net.twinblock.iscsi.lun;

import java.util.Objects;

/** One LUN of the target: its number, identity, storage and port group. */
public record LogicalUnit(int lun, LunIdentity identity, BlockStorage storage, PortGroup portGroup) {
    public LogicalUnit {
        if (lun < 0 || lun > 16383) {
            throw new IllegalArgumentException("LUN must be 0..16383 (flat addressing), got " + lun);
        }
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(portGroup, "portGroup");
    }
}
