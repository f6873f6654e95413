package net.twinblock.server.storage;

import net.twinblock.iscsi.lun.AluaState;
import net.twinblock.iscsi.lun.PortGroup;
import java.util.function.Supplier;
import net.twinblock.mirror.pair.NodeAccess;
import net.twinblock.mirror.pair.Role;

/**
 * This node's ALUA target port group in a pair, and its view of the other node's. Group ids are
 * 1 and 2 (iscsi.port-group; the peer has the other) and each group has one target port whose
 * relative port id equals the group id, so the two nodes' ports differ as SPC-4 requires of
 * two ports of one SCSI target device (both nodes export the same target IQN).
 *
 * <p>The state is what the engine observes ({@link NodeAccess}), not guessed from the role: the
 * serving primary's group is active/optimized and a linked secondary's active/non-optimized (it
 * serves reads and forwards writes, at the cost of a round trip), so dm-multipath prefers the
 * primary; a secondary without its primary stands by, a primary that may not serve is unavailable. Promotion flips both states at once through {@link #roleChanged}; the frontend
 * reads {@link #state()} on every INQUIRY and REPORT TARGET PORT GROUPS, so sessions that
 * stay logged in see the change.
 *
 * <p>The peer's state is what its role must be given ours: this node cannot see the other one
 * when the link is down, and a dead peer's paths fail on their own in the host.
 */
public final class PairPortGroup implements PortGroup {

    private final int groupId;
    private final PortGroup peer;
    private final Supplier<NodeAccess> access;
    private volatile Role role;

    public PairPortGroup(int groupId, Role role) {
        this(groupId, role, null);
    }

    /**
     * @param access null to follow the role alone, else what the engine observes this node can do now (its ALUA state): a primary
     *        that waits for its partner's confirmation, or lost both its secondary and the
     *        witness's lease, is UNAVAILABLE, a secondary without its primary STANDBY (hosts'
     *        I/O gets NOT READY 04/0C or 04/0B and multipath fails over)
     */
    public PairPortGroup(int groupId, Role role, Supplier<NodeAccess> access) {
        if (groupId != 1 && groupId != 2) {
            throw new IllegalArgumentException("a pair's port groups are 1 and 2, not " + groupId);
        }
        this.groupId = groupId;
        this.role = role;
        this.access = access;
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
        NodeAccess now = access != null ? access.get() : role == Role.PRIMARY ? NodeAccess.PRIMARY : NodeAccess.SECONDARY;
        return switch (now) {
            case PRIMARY -> AluaState.ACTIVE_OPTIMIZED;
            case SECONDARY -> AluaState.ACTIVE_NON_OPTIMIZED;
            case TRANSITIONING -> AluaState.TRANSITIONING;
            case STANDBY -> AluaState.STANDBY;
            case UNAVAILABLE -> AluaState.UNAVAILABLE;
        };
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
