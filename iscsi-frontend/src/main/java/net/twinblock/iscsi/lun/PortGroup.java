package net.twinblock.iscsi.lun;

/**
 * How this node's target port appears to ALUA: both nodes of a pair export the same LU through
 * different relative ports in different target port groups. The state is read on every REPORT
 * TARGET PORT GROUPS and INQUIRY, because promotion changes it while sessions stay up.
 */
public interface PortGroup {

    /** This node's target port group id (VPD 0x83 designator, REPORT TARGET PORT GROUPS). */
    int groupId();

    /** This node's relative target port identifier (VPD 0x83), 1-based. */
    int relativePortId();

    /** The current access state of this node's group. */
    AluaState state();

    /**
     * The other node's group, for REPORT TARGET PORT GROUPS (which lists every group of the
     * LU); null on a standalone node.
     */
    default PortGroup peer() {
        return null;
    }

    /** A fixed, single group: a standalone node is always active/optimized. */
    static PortGroup standalone() {
        return new PortGroup() {
            @Override
            public int groupId() {
                return 1;
            }

            @Override
            public int relativePortId() {
                return 1;
            }

            @Override
            public AluaState state() {
                return AluaState.ACTIVE_OPTIMIZED;
            }
        };
    }
}
