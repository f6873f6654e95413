package net.twinblock.server.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import net.twinblock.iscsi.lun.AluaState;
import net.twinblock.iscsi.lun.PortGroup;
import net.twinblock.mirror.pair.NodeAccess;
import net.twinblock.mirror.pair.Role;
import org.junit.jupiter.api.Test;

/** What REPORT TARGET PORT GROUPS and VPD 0x83 report on each node, before and after promotion. */
class PairPortGroupTest {

    @Test
    void thePrimaryIsOptimizedAndReportsTheSecondaryAsNonOptimized() {
        PairPortGroup g = new PairPortGroup(1, Role.PRIMARY);
        assertEquals(1, g.groupId());
        assertEquals(1, g.relativePortId());
        assertEquals(AluaState.ACTIVE_OPTIMIZED, g.state());
        PortGroup peer = g.peer();
        assertEquals(2, peer.groupId());
        assertEquals(2, peer.relativePortId());
        assertEquals(AluaState.ACTIVE_NON_OPTIMIZED, peer.state());
    }

    @Test
    void bothNodesAgreeOnEveryGroup() {
        PairPortGroup primary = new PairPortGroup(1, Role.PRIMARY);
        PairPortGroup secondary = new PairPortGroup(2, Role.SECONDARY);
        assertEquals(primary.state(), secondary.peer().state());
        assertEquals(primary.groupId(), secondary.peer().groupId());
        assertEquals(secondary.state(), primary.peer().state());
        assertEquals(secondary.relativePortId(), primary.peer().relativePortId());
    }

    @Test
    void promotionFlipsBothStatesAtOnce() {
        PairPortGroup g = new PairPortGroup(2, Role.SECONDARY);
        PortGroup peer = g.peer();
        assertEquals(AluaState.ACTIVE_NON_OPTIMIZED, g.state());
        g.roleChanged(Role.PRIMARY);
        assertEquals(AluaState.ACTIVE_OPTIMIZED, g.state());
        // The same peer object the frontend may hold follows too.
        assertEquals(AluaState.ACTIVE_NON_OPTIMIZED, peer.state());
        assertEquals(1, peer.groupId());
    }

    @Test
    void theStateIsWhatTheEngineObservesNotTheRole() {
        java.util.concurrent.atomic.AtomicReference<NodeAccess> now = new java.util.concurrent.atomic.AtomicReference<>(
                NodeAccess.STANDBY);
        PairPortGroup g = new PairPortGroup(2, Role.SECONDARY, now::get);
        assertEquals(AluaState.STANDBY, g.state(), "a secondary without its primary");
        now.set(NodeAccess.TRANSITIONING);
        assertEquals(AluaState.TRANSITIONING, g.state(), "a secondary the witness may promote any moment");
        now.set(NodeAccess.SECONDARY);
        assertEquals(AluaState.ACTIVE_NON_OPTIMIZED, g.state());
        now.set(NodeAccess.UNAVAILABLE);
        assertEquals(AluaState.UNAVAILABLE, g.state(), "a primary that may not serve");
        now.set(NodeAccess.PRIMARY);
        assertEquals(AluaState.ACTIVE_OPTIMIZED, g.state());
    }

    @Test
    void onlyGroupsOneAndTwoExist() {
        assertThrows(IllegalArgumentException.class, () -> new PairPortGroup(3, Role.PRIMARY));
    }
}
