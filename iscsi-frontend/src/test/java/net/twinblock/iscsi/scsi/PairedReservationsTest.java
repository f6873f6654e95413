package net.twinblock.iscsi.scsi;

import static net.twinblock.iscsi.scsi.PersistentReservationTest.assertConflict;
import static net.twinblock.iscsi.scsi.PersistentReservationTest.assertUnitAttention;
import static net.twinblock.iscsi.scsi.PersistentReservationTest.prout;
import static net.twinblock.iscsi.scsi.PersistentReservationTest.read;
import static net.twinblock.iscsi.scsi.PersistentReservationTest.tur;
import static net.twinblock.iscsi.scsi.PersistentReservationTest.write;

import java.util.concurrent.CompletableFuture;
import net.twinblock.iscsi.reservation.PrType;
import net.twinblock.iscsi.reservation.ReservationChange;
import net.twinblock.iscsi.reservation.ReservationState;
import net.twinblock.iscsi.reservation.ReservationStore;
import org.junit.jupiter.api.Test;

/**
 * The shape the pair will use, in one process: each node's store hands every change to the
 * other node's device server before GOOD, so both enforce one state on their own target port
 * (relative port 1 and 2) and raise the unit attentions on their own nexuses.
 */
class PairedReservationsTest {

    private static final long KEY_1 = 0x11;
    private static final long KEY_2 = 0x22;
    private static final int REGISTER = 0;
    private static final int RESERVE = 1;
    private static final int PREEMPT = 4;
    private static final int ALL_TG_PT = 0x04;

    /** Passes each change to the other node, as a synchronous peer link would. */
    private static final class ForwardingStore implements ReservationStore {
        volatile ScsiHarness peer;

        @Override
        public ReservationState initial(int lun) {
            return ReservationState.EMPTY;
        }

        @Override
        public CompletableFuture<Void> apply(ReservationChange change) {
            return peer.dispatcher.adoptReservationChange(change);
        }
    }

    /** Two nodes, ports 1 and 2, each passing its changes to the other. */
    private static final class TwoNodes implements AutoCloseable {
        final ScsiHarness node1;
        final ScsiHarness node2;

        TwoNodes() {
            ForwardingStore toNode2 = new ForwardingStore();
            ForwardingStore toNode1 = new ForwardingStore();
            node1 = new ScsiHarness(512, 64, true, null, toNode2, 1);
            node2 = new ScsiHarness(512, 64, true, null, toNode1, 2);
            toNode2.peer = node2;
            toNode1.peer = node1;
        }

        @Override
        public void close() {
            node1.close();
            node2.close();
        }
    }

    private static final Nexus HOST1_AT_NODE1 = new Nexus("iqn.2026-11.test:host1", 0x400001000001L, 1);
    private static final Nexus HOST1_AT_NODE2 = new Nexus("iqn.2026-11.test:host1", 0x400001000001L, 1);
    private static final Nexus HOST2_AT_NODE2 = new Nexus("iqn.2026-11.test:host2", 0x400001000002L, 1);

    @Test
    void aReservationMadeThroughOneNodeIsEnforcedByTheOther() {
        try (TwoNodes pair = new TwoNodes()) {
            ScsiHarness node1 = pair.node1;
            ScsiHarness node2 = pair.node2;
            node1.dispatcher.nexusAdded(HOST1_AT_NODE1);
            tur(node1, HOST1_AT_NODE1);

            prout(node1, HOST1_AT_NODE1, REGISTER, null, 0, KEY_1, ALL_TG_PT).assertGood();
            prout(node1, HOST1_AT_NODE1, RESERVE, PrType.WRITE_EXCLUSIVE, KEY_1, 0, 0).assertGood();

            assertConflict(write(node2, HOST2_AT_NODE2));
            read(node2, HOST2_AT_NODE2).assertGood();
            write(node2, HOST1_AT_NODE2).assertGood(); // ALL_TG_PT: host1 holds it through both ports

            prout(node2, HOST2_AT_NODE2, REGISTER, null, 0, KEY_2, 0).assertGood();
            prout(node2, HOST2_AT_NODE2, PREEMPT, PrType.WRITE_EXCLUSIVE, KEY_2, KEY_1, 0).assertGood();
            assertUnitAttention(node1, HOST1_AT_NODE1, AdditionalSense.REGISTRATIONS_PREEMPTED);
            assertConflict(write(node1, HOST1_AT_NODE1));
            write(node2, HOST2_AT_NODE2).assertGood();
            assertConflict(write(node1, HOST2_AT_NODE2)); // registered through port 2 only, not port 1
        }
    }

    @Test
    void withoutAllTgPtARegistrationHoldsOnlyThroughItsOwnPort() {
        try (TwoNodes pair = new TwoNodes()) {
            ScsiHarness node1 = pair.node1;
            ScsiHarness node2 = pair.node2;
            prout(node1, HOST1_AT_NODE1, REGISTER, null, 0, KEY_1, 0).assertGood();
            prout(node1, HOST1_AT_NODE1, RESERVE, PrType.EXCLUSIVE_ACCESS, KEY_1, 0, 0).assertGood();
            read(node1, HOST1_AT_NODE1).assertGood();
            assertConflict(read(node2, HOST1_AT_NODE2));
        }
    }
}
