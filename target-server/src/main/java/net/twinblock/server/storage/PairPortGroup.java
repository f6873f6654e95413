package net.twinblock.server.storage;

import net.twinblock.iscsi.lun.AluaState;
import net.twinblock.iscsi.lun.PortGroup;
import net.twinblock.mirror.pair.Role;

/**
 * This node's ALUA target port group in a pair, and its view of the other node's. Group ids are
 * 1 and 2 (iscsi.port-group; the peer has the other) and each group has one target port whose
 * relative port id equals the group id, so the two nodes' ports differ as SPC-4 requires of
 * two ports of one SCSI target device (both nodes export the same target IQN).
 *
 * <p>The primary's group is active/optimized and the secondary's active/non-optimized (it
 * serves reads and forwards writes, at the cost of a round trip), so dm-multipath prefers the
 * primary. Promotion flips both states at once through {@link #roleChanged}; the frontend
 * reads {@link #state()} on every INQUIRY and REPORT TARGET PORT GROUPS, so sessions that
 * stay logged in see the change.
 *
 * <p>The peer's state is what its role must be given ours: this node cannot see the other one
 * when the link is down, and a dead peer's paths fail on their own in the host.
 */
public final class PairPortGroup implements PortGroup {

    private final int groupId;
    private final PortGroup peer;
    private final java.util.function.BooleanSupplier serving;
    private volatile Role role;

    public PairPortGroup(int groupId, Role role) {
        this(groupId, role, () -> true);
    }

    /**
     * @param serving whether the engine lets this node serve now: a primary that waits for its
     *        partner's confirmation, or lost both its secondary and the witness's lease, does not,
     *        and its port is then UNAVAILABLE (hosts' I/O gets NOT READY 04/0C and multipath fails over)
     */
    public PairPortGroup(int groupId, Role role, java.util.function.BooleanSupplier serving) {
        if (groupId != 1 && groupId != 2) {
            throw new IllegalArgumentException("a pair's port groups are 1 and 2, not " + groupId);
        }
        this.groupId = groupId;
        this.role = role;
        this.serving = serving;
        this.peer = new Peer();
    }

    /** Called when the mirror engine changes this node's role (promotion). */
    public void roleChanged(Role newRole) {
        this.role = newRole;
    }

    public Role role() {
        return role;
    }

    @Override
    public int groupId() {
        return groupId;
    }

    @Override
    public int relativePortId() {
        return groupId;
    }

    @Override
    public AluaState state() {
        return serving.getAsBoolean() ? stateOf(role) : AluaState.UNAVAILABLE;
    }

    @Override
    public PortGroup peer() {
        return peer;
    }

    private static AluaState stateOf(Role r) {
        return r == Role.PRIMARY ? AluaState.ACTIVE_OPTIMIZED : AluaState.ACTIVE_NON_OPTIMIZED;
    }

    /** The other node's group: the other id, the other role's state. */
    private final class Peer implements PortGroup {
        @Override
        public int groupId() {
            return 3 - groupId;
        }

        @Override
        public int relativePortId() {
            return 3 - groupId;
        }

        @Override
        public AluaState state() {
            return stateOf(role == Role.PRIMARY ? Role.SECONDARY : Role.PRIMARY);
        }
    }
}
